// No Docker engine runs here, but the compose file must still be valid: docker-compose parses and validates it offline.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVER_HEAP_FLAGS, SERVER_V8_FLAGS } from '../../src/platform/heap-budget.ts';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

function compose(...args: string[]) {
  const result = spawnSync('docker-compose', args, { cwd: repoRoot, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  if (result.error)
    throw new Error('docker-compose is not installed. Install it with: apt-get update && apt-get install -y docker-compose');
  return result;
}

describe('docker-compose.yml', () => {
  it('passes `docker-compose config` with no variables set', () => {
    const result = compose('config', '-q');
    expect(result.stderr.replace(/^.*variable is not set.*$/gm, '').trim()).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs PostgreSQL, Redis, a one-shot migration, two server replicas and a proxy, with healthchecks and restart policies', () => {
    expect(compose('config', '--services').stdout.trim().split('\n').sort()).toEqual(['migrate', 'postgres', 'proxy', 'redis', 'server']);
    const rendered = compose('config').stdout;
    const service = (name: string) => rendered.split(/\n {2}(?=[a-z-]+:\n)/).find((block) => block.startsWith(`${name}:`)) ?? '';
    for (const name of ['postgres', 'redis', 'server', 'proxy']) {
      expect(service(name), name).toMatch(/healthcheck:\n\s+interval/);
      expect(service(name), name).toMatch(/restart: unless-stopped/);
    }
    expect(service('server')).toMatch(/replicas: 2/);
    expect(service('server')).toMatch(/condition: service_completed_successfully/);
    expect(service('migrate')).toMatch(/restart: 'no'|restart: "no"|restart: no/);
    expect(service('proxy')).toMatch(/Caddyfile/);
  });

  it('runs the server with the same heap budget and GC flags in the image, in `pnpm start` and in the benchmarks', () => {
    const dockerfile = readFileSync(`${repoRoot}Dockerfile`, 'utf8');
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toContain(`ENV NODE_OPTIONS="${SERVER_HEAP_FLAGS.join(' ')}"`);
    const command = runtime.split('\n').findLast((line) => line.startsWith('CMD ['));
    expect(JSON.parse(command?.slice('CMD '.length) ?? 'null')).toEqual([
      'node',
      ...SERVER_V8_FLAGS,
      '--import',
      'tsx',
      'server/src/main.ts',
    ]);
    const start = JSON.parse(readFileSync(`${repoRoot}server/package.json`, 'utf8')).scripts.start as string;
    expect(start).toBe(`node ${[...SERVER_HEAP_FLAGS, ...SERVER_V8_FLAGS].join(' ')} --import tsx src/main.ts`);
  });

  it('builds the server as a non-root user on Node 24', () => {
    const dockerfile = readFileSync(`${repoRoot}Dockerfile`, 'utf8');
    expect(dockerfile).toMatch(/^FROM node:24-slim AS runtime$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/--prod/);
  });
});

// No Docker engine runs here, but the compose file must still be valid: docker-compose parses and validates it offline.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

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

  it('runs PostgreSQL, Redis and the server, each with a healthcheck and a restart policy', () => {
    expect(compose('config', '--services').stdout.trim().split('\n').sort()).toEqual(['postgres', 'redis', 'server']);
    const rendered = compose('config').stdout;
    expect(rendered.match(/healthcheck:/g)).toHaveLength(3);
    expect(rendered.match(/restart: unless-stopped/g)).toHaveLength(3);
    expect(rendered).toMatch(/condition: service_healthy/);
  });

  it('builds the server as a non-root user on Node 24', () => {
    const dockerfile = readFileSync(`${repoRoot}Dockerfile`, 'utf8');
    expect(dockerfile).toMatch(/^FROM node:24-slim AS runtime$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/--prod/);
  });
});

// `pnpm start` as a new user meets it: no configuration, embedded PostgreSQL under the data folder, dev login, and
// data that survives a restart (graceful or not).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ChildServer, spawnServer, startChildServer, stopChildServer } from '../harness/child-server.ts';

describe('the server process on embedded defaults', () => {
  let dataDir: string;
  let server: ChildServer | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-e2e-'));
  });
  afterAll(async () => {
    if (server) await stopChildServer(server, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  const signIn = async (url: string) => {
    const initData = await (await fetch(`${url}/dev/init-data?userId=9001&firstName=Vera`)).text();
    const response = await fetch(`${url}/trpc/me.get`, { headers: { authorization: `tma ${initData}` } });
    return {
      status: response.status,
      body: (await response.json()) as { result?: { data: { id: number; firstName: string; credits: { trial: number } } } },
      initData,
    };
  };

  const usersInDatabase = async (child: ChildServer) => {
    const started = child.logEvents().find((e) => e.event === 'embedded_postgres.started');
    const password = (await readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
    const client = new pg.Client({ host: '127.0.0.1', port: Number(started?.port), user: 'slotpilot', password, database: 'slotpilot' });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; created_at: Date; grants: string }>(
        "select u.id, u.created_at, (select count(*) from ledger_entries l where l.user_id = u.id and l.reason = 'trial_grant') as grants from users u",
      );
      return rows.map((r) => ({ id: Number(r.id), createdAt: r.created_at.toISOString(), grants: Number(r.grants) }));
    } finally {
      await client.end();
    }
  };

  it('starts with no configuration, is healthy and ready, and signs in the dev user', async () => {
    server = await startChildServer({ DATA_DIR: dataDir });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: { status: 'ok' }, redis: { status: 'ok', mode: 'memory' } } });
    // Fully ready once the feed's first turn has run: WB sandbox source ok, bot off (no BOT_TOKEN).
    await vi.waitFor(
      async () =>
        expect(await (await fetch(`${server!.url}/readyz`)).json()).toMatchObject({
          status: 'ready',
          checks: { feed: { status: 'ok', source: 'ok' }, bot: { status: 'ok', bot: 'off' } },
        }),
      { timeout: 10_000, interval: 100 },
    );
    const me = await signIn(server.url);
    expect(me.status).toBe(200);
    expect(me.body.result?.data).toMatchObject({ id: 9001, firstName: 'Vera', credits: { trial: 2 } });
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const running = server!;
    const code = await stopChildServer(running, 'SIGTERM');
    expect(code).toBe(0);
    expect(running.logEvents().map((e) => e.event)).toEqual(expect.arrayContaining(['shutdown.start', 'shutdown.done']));
    expect(running.logEvents().filter((e) => e.event === 'shutdown.step_failed')).toEqual([]);
    server = undefined;
  });

  it('finds the same users after a restart', async () => {
    server = await startChildServer({ DATA_DIR: dataDir });
    const before = await usersInDatabase(server);
    expect(before).toEqual([{ id: 9001, createdAt: expect.any(String), grants: 1 }]);
    await signIn(server.url);
    expect(await usersInDatabase(server)).toEqual(before);
  });

  it('recovers after being killed outright (SIGKILL leaves PostgreSQL orphaned)', async () => {
    const before = await usersInDatabase(server!);
    await stopChildServer(server!, 'SIGKILL');
    server = await startChildServer({ DATA_DIR: dataDir });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await usersInDatabase(server)).toEqual(before);
  });

  it('keeps every secret out of its output', async () => {
    await signIn(server!.url);
    const output = server!.stdout.join('\n') + server!.stderr;
    const secrets = await Promise.all(
      ['master-key', 'dev-bot-token', 'postgres-password'].map(async (f) => (await readFile(path.join(dataDir, f), 'utf8')).trim()),
    );
    for (const secret of secrets) expect(output).not.toContain(secret);
    expect(output).not.toMatch(/hash=[0-9a-f]{64}/);
  });
});

describe('the server process with a bad configuration', () => {
  it('refuses to start and lists every problem in one message', async () => {
    const server = spawnServer({ PORT: 'eighty', MASTER_KEY: 'too-short', NODE_ENV: 'production' });
    expect(await server.exited).toBe(1);
    expect(server.stderr).toMatch(/configuration has \d+ problems:/);
    expect(server.stderr).toMatch(/- PORT must be a port number/);
    expect(server.stderr).toMatch(/- MASTER_KEY must be 32 random bytes in base64/);
    expect(server.stderr).toMatch(/- DATABASE_URL is required in production/);
    expect(server.stderr).not.toContain('too-short');
    expect(server.stderr).not.toMatch(/\n\s+at /);
  });
});

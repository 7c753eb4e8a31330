// Fair share (issue 19): three server processes' engines in one process on one PostgreSQL. The first to start holds
// every task; the ones started after it get their share — the first hands its surplus over at rest (no act in flight) —
// and every task stays owned by exactly one instance.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../harness/database.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const TASKS = 30;
const today = moscowToday();

describe('fair share of tasks between instances', () => {
  let databaseUrl: string;
  const servers: TestServer[] = [];
  const start = async () => {
    const server = await startTestServer({ DATABASE_URL: databaseUrl, MONITOR_LEASE_MS: '1500' }, { heartbeatMs: 300 });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.allSettled(servers.map((server) => server.close()));
  });

  it('an instance started later gets work: each holds about a third, every task held once, no act interrupted', async () => {
    const first = await start();
    const sql = <T>(query: string, params: unknown[] = []) => first.orm.em.fork().getConnection().execute<T[]>(query, params);
    await sql("insert into users (id, first_name) values (19, 'Fair')");
    // Supply tasks whose cells never open (nothing to act on): they wait, parked, as most tasks do.
    const criteria = {
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: addDays(today, 1),
      dateTo: addDays(today, 3),
      skipDates: [],
      maxCoefficient: 0,
      keepWatching: false,
    };
    await sql(
      `insert into monitoring_tasks (id, user_id, kind, mode, criteria, state, created_at, updated_at)
       select gen_random_uuid(), 19, 'supply', 'notify', ?::jsonb, 'idle', now(), now() from generate_series(1, ?)`,
      [JSON.stringify(criteria), TASKS],
    );
    await vi.waitFor(() => expect(first.host.owned()).toHaveLength(TASKS), { timeout: 15_000, interval: 100 });

    const second = await start();
    const third = await start();
    const hosts = [first, second, third].map((server) => server.host);
    // ceil(30 / 3) = 10, plus the slack of 2.
    await vi.waitFor(
      () => {
        const counts = hosts.map((host) => host.owned().length);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(TASKS);
        for (const count of counts) expect(count).toBeGreaterThanOrEqual(TASKS / 3 - 2);
        for (const count of counts) expect(count).toBeLessThanOrEqual(TASKS / 3 + 2);
      },
      { timeout: 20_000, interval: 100 },
    );
    const rows = await sql<{ lease_owner: string | null; n: string }>(
      `select lease_owner, count(*) as n from monitoring_tasks where state <> 'done' group by lease_owner`,
    );
    expect(rows.map((r) => r.lease_owner).sort()).toEqual(hosts.map((host) => host.instanceId).sort());
    // Every handed-over task was at rest and carried on where it was: still waiting, none finished or failed.
    const states = await sql<{ state: string; n: string }>('select state, count(*) as n from monitoring_tasks group by state');
    expect(states).toEqual([{ state: 'polling', n: String(TASKS) }]);
    for (const host of hosts) for (const id of host.owned()) expect(host.describe(id)?.state).toBe('polling');
  });
});

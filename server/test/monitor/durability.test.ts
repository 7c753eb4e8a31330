// Durable by construction (issue 15), one server against real PostgreSQL: a snapshot write PostgreSQL refuses is retried
// until it lands (the task is not stranded as `polling` in the database), and a snapshot the machine cannot restore is
// quarantined — that task failed with `incompatible-snapshot`, the seller told — while an old-version snapshot is
// upcast and runs, and /metrics and tasks.list keep answering.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MonitoringTask } from '../../src/db/entities/monitoring-task.ts';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { MONITOR_SNAPSHOT_VERSION } from '../../src/monitor/snapshot-versions.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const METRICS_TOKEN = 'durability-scraper-token-0123456789';
const today = moscowToday();

describe('durability', () => {
  let server: TestServer;
  let nextUser = 16_000;
  const newUser = () => ({ id: ++nextUser, firstName: `Seller${nextUser}`, languageCode: 'en' });

  beforeAll(async () => {
    server = await startTestServer({ METRICS_TOKEN }, { pollIntervalMs: 500, heartbeatMs: 300 });
    await sandboxControl(server.sandboxUrl).scenario({ running: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  const notifyTask = (user: { id: number; firstName: string }) =>
    server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [117501],
      boxTypeId: 6,
      dateFrom: addDays(today, 1),
      dateTo: addDays(today, 2),
      maxCoefficient: 0,
    });
  const row = (id: string) => server.orm.em.fork().findOneOrFail(MonitoringTask, id);
  const sql = (query: string, params: unknown[] = []) => server.orm.em.getConnection().execute(query, params);

  it('a snapshot write PostgreSQL refuses is retried until it lands: a cancelled task does not stay polling', async () => {
    const user = newUser();
    const { id } = await notifyTask(user);
    await vi.waitFor(async () => expect((await row(id)).state).toBe('polling'), { timeout: 10_000 });
    // PostgreSQL refuses this task's end (a constraint, a full disk, a failover: the host cannot tell and must not care).
    await sql(`create or replace function i15_refuse_end() returns trigger language plpgsql as $$
      begin if new.id = '${id}' and new.state = 'done' then raise exception 'refused by the test'; end if; return new; end $$;`);
    await sql(`create trigger i15_refuse_end before update on monitoring_tasks for each row execute function i15_refuse_end();`);
    try {
      const cancelled = await server.client(user).tasks.cancel.mutate({ id });
      // The live actor has it; the database does not yet, and the task stays hosted (and leased) while the write retries.
      expect({ state: cancelled.state, outcome: cancelled.outcome }).toEqual({ state: 'done', outcome: 'cancelled' });
      expect((await row(id)).state).toBe('polling');
      expect(server.host.runs(id)).toBe(true);
      await vi.waitFor(() => expect(server.logs.events().filter((e) => e.event === 'actor.persist_retry').length).toBeGreaterThan(1), {
        timeout: 10_000,
      });
    } finally {
      await sql('drop trigger if exists i15_refuse_end on monitoring_tasks');
      await sql('drop function if exists i15_refuse_end()');
    }
    await vi.waitFor(
      async () => {
        const stored = await row(id);
        expect({ state: stored.state, outcome: stored.outcome, owner: stored.leaseOwner }).toEqual({
          state: 'done',
          outcome: 'cancelled',
          owner: null,
        });
      },
      { timeout: 15_000 },
    );
    expect(server.host.runs(id)).toBe(false);
  });

  it('an unreadable snapshot among good ones is quarantined; an old-version one runs; /metrics and tasks.list answer', async () => {
    const user = newUser();
    const good = await notifyTask(user);
    const [old, corrupted] = [crypto.randomUUID(), crypto.randomUUID()];
    const criteria = {
      warehouseIds: [117501],
      boxTypeId: 6,
      dateFrom: addDays(today, 1),
      dateTo: addDays(today, 2),
      skipDates: [],
      maxCoefficient: 0,
    };
    const context = (taskId: string) => ({
      taskId,
      mode: 'notify',
      keepWatching: false,
      pollIntervalMs: 120_000,
      nextPollAt: Date.now() + 60_000,
      backoffUntil: null,
      backoffAttempt: 0,
      lastCheckAt: Date.now(),
      bestSeen: null,
      found: null,
      notified: [],
      reason: null,
      actionUrl: null,
      pendingCommand: null,
      outcome: null,
    });
    // Version 1 (no machineVersion, no actAttempt), as the previous release wrote it; and one from a machine that had a
    // substate this one does not.
    const v1 = { status: 'active', value: { polling: 'waiting' }, historyValue: {}, context: context(old), children: {} };
    const broken = { ...v1, value: { polling: 'sleeping' }, context: context(corrupted), machineVersion: MONITOR_SNAPSHOT_VERSION };
    for (const [id, snapshot] of [
      [corrupted, broken],
      [old, v1],
    ] as const) {
      await sql(
        `insert into monitoring_tasks (id, user_id, kind, mode, criteria, state, snapshot, created_at, updated_at)
         values (?, ?, 'supply', 'notify', ?::jsonb, 'polling', ?::jsonb, now(), now() - interval '1 hour')`,
        [id, user.id, JSON.stringify(criteria), JSON.stringify(snapshot)],
      );
    }
    // Before the claim, the list already answers (the unreadable one shown as what it will become).
    expect((await server.client(user).tasks.list.query()).map((t) => t.id).sort()).toEqual([good.id, old, corrupted].sort());

    await vi.waitFor(async () => expect((await row(corrupted)).state).toBe('done'), { timeout: 10_000 });
    const quarantined = await row(corrupted);
    expect(quarantined.outcome).toBe('failed');
    expect(quarantined.leaseOwner).toBeNull();
    expect(quarantined.snapshot).toMatchObject({
      context: { reason: 'incompatible-snapshot', outcome: 'failed' },
      quarantined: { problem: expect.stringMatching(/unknown state/), original: broken },
    });
    const told = await server.orm.em.fork().find(OutboxMessage, { user: user.id, kind: 'task_failed' });
    expect(told.map((m) => m.payload)).toEqual([expect.objectContaining({ taskId: corrupted, reason: 'incompatible-snapshot' })]);
    expect(server.logs.events().some((e) => e.event === 'monitor.snapshot_quarantined' && e.taskId === corrupted)).toBe(true);

    // The old one was upcast and runs here, as does the good one.
    await vi.waitFor(() => expect(server.host.runs(old)).toBe(true), { timeout: 10_000 });
    expect(server.host.runs(good.id)).toBe(true);
    const list = await server.client(user).tasks.list.query();
    expect(Object.fromEntries(list.map((t) => [t.id, [t.state, t.outcome ?? null, t.reason]]))).toEqual({
      [good.id]: ['polling', null, null],
      [old]: ['polling', null, null],
      [corrupted]: ['done', 'failed', 'incompatible-snapshot'],
    });
    const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/polling/);
    // A command still reaches the restored old-version task, and its next write carries the current version.
    await server.client(user).tasks.pause.mutate({ id: old });
    await vi.waitFor(async () =>
      expect((await row(old)).snapshot).toMatchObject({ value: 'idle', machineVersion: MONITOR_SNAPSHOT_VERSION }),
    );
    for (const id of [old, good.id]) await server.client(user).tasks.cancel.mutate({ id });
  });
});

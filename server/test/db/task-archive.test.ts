// Archiving finished tasks (issue 15, finding 9) on real PostgreSQL, through the real server's API: old endings leave
// `monitoring_tasks` in bounded batches, anything with money or a WB operation still open stays, and the seller's
// history (bookings list, the task page it links to) reads the same afterwards.
import { addDays, moscowToday } from '@slotpilot/shared';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskArchive } from '../../src/db/task-archive.ts';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';
import { taskWaiter } from '../harness/wait-for-task.ts';

const today = moscowToday();

describe('task archive', () => {
  let server: TestServer;
  let nextUser = 31_000;
  const newUser = () => ({ id: ++nextUser, firstName: `Archive${nextUser}`, languageCode: 'en' });
  const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) =>
    server.orm.em.getConnection().execute<T[]>(text, params);
  const archiver = (overrides: Partial<ConstructorParameters<typeof TaskArchive>[0]> = {}) =>
    new TaskArchive({
      orm: server.orm,
      leases: createMemorySharedState().leases,
      instanceId: 'archiver-test',
      logger: pino({ level: 'silent' }),
      afterDays: 30,
      ...overrides,
    });
  const where = async (id: string) => {
    const [hot] = await sql<{ n: string }>('select count(*) as n from monitoring_tasks where id = ?', [id]);
    const [cold] = await sql<{ n: string }>('select count(*) as n from monitoring_tasks_archive where id = ?', [id]);
    return Number(hot!.n) ? 'hot' : Number(cold!.n) ? 'archive' : 'nowhere';
  };

  /** A real notify task, cancelled through the API (so its row and final snapshot are the engine's own). */
  async function finishedTask(user: ReturnType<typeof newUser>, finishedDaysAgo: number): Promise<string> {
    const api = server.client(user);
    const { id } = await api.tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: addDays(today, 1),
      dateTo: addDays(today, 5),
      maxCoefficient: 0,
    });
    await waitForTask(user, id, 'polling');
    await api.tasks.cancel.mutate({ id });
    await waitForTask(user, id, 'done', 'cancelled');
    await sql(`update monitoring_tasks set finished_at = now() - make_interval(days => ?) where id = ?`, [finishedDaysAgo, id]);
    return id;
  }
  async function booking(userId: number, taskId: string, status: string, reservation: string | null): Promise<string> {
    const [row] = await sql<{ id: string }>(
      `insert into booking_results (id, task_id, user_id, warehouse_id, date, box_type_id, coefficient, preorder_id, supply_id,
         status, idempotency_key, reservation)
       values (gen_random_uuid(), ?, ?, 507, ?, 2, 1, '777', ?, ?, gen_random_uuid()::text, ?) returning id`,
      [taskId, userId, addDays(today, 2), status === 'confirmed' ? 'WB-1' : null, status, reservation],
    );
    return row!.id;
  }

  beforeAll(async () => {
    // The server's own archiver waits out TASK_ARCHIVE_DAYS=3650: only the archivers the tests make move anything.
    server = await startTestServer({ TASK_ARCHIVE_DAYS: '3650' }, { pollIntervalMs: 200 });
  });
  afterAll(async () => {
    await server?.close();
  });
  const waitForTask = taskWaiter(() => server, { timeout: 30_000 });

  it('moves old endings only, keeps open money and operations, and the history reads the same', async () => {
    const user = newUser();
    const old = await finishedTask(user, 40);
    const confirmed = await booking(user.id, old, 'confirmed', null);
    const recent = await finishedTask(user, 10);
    const pending = await finishedTask(user, 40);
    await booking(user.id, pending, 'pending', 'trial');
    const reserved = await finishedTask(user, 40);
    await booking(user.id, reserved, 'confirmed', 'paid');
    // A transfer task with an order still pending at WB (written as the engine writes it).
    const [transfer] = await sql<{ id: string }>(
      `insert into monitoring_tasks (id, user_id, kind, mode, criteria, state, outcome, lease_epoch, finished_at)
       values (gen_random_uuid(), ?, 'redistribution', 'autobook', '{}'::jsonb, 'done', 'needs-action', 0, now() - interval '40 days')
       returning id`,
      [user.id],
    );
    await sql(
      `insert into redistribution_orders (id, task_id, user_id, nm_id, src_warehouse_id, dst_warehouse_id, units, status,
         idempotency_key, reservation)
       values (gen_random_uuid(), ?, ?, 1, 507, 117501, 3, 'pending', gen_random_uuid()::text, 'trial')`,
      [transfer!.id, user.id],
    );
    // A live task untouched for 40 days is not finished, whatever its age.
    const live = await server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: addDays(today, 1),
      dateTo: addDays(today, 5),
      maxCoefficient: 0,
    });
    await sql(`update monitoring_tasks set updated_at = now() - interval '40 days' where id = ?`, [live.id]);

    const pageBefore = await server.client(user).tasks.get.query({ id: old });
    const historyBefore = await server.client(user).bookings.list.query();

    expect(await archiver().runIfLeader()).toEqual({ archived: 1, batches: 1 });
    expect(await where(old)).toBe('archive');
    for (const id of [recent, pending, reserved, transfer!.id, live.id]) expect(await where(id)).toBe('hot');

    // The seller's screens: the bookings list is unchanged, and the task page it links to still opens, as it was.
    expect(await server.client(user).bookings.list.query()).toEqual(historyBefore);
    expect(historyBefore.bookings.find((b) => b.id === confirmed)?.taskId).toBe(old);
    const pageAfter = await server.client(user).tasks.get.query({ id: old });
    expect(pageAfter).toEqual(pageBefore);
    expect(pageAfter).toMatchObject({
      state: 'done',
      outcome: 'cancelled',
      bookings: [{ id: confirmed, status: 'confirmed', supplyId: 'WB-1' }],
    });
    expect(await server.client(user).tasks.timeline.query({ id: old })).toEqual([]);
    expect((await failure(server.client(user).tasks.resume.mutate({ id: old }))).data?.appCode).toBe('TASK_FINISHED');
    // The task list shows the hot table only; someone else's archived task is not found.
    expect((await server.client(user).tasks.list.query()).map((t) => t.id)).not.toContain(old);
    expect((await failure(server.client(newUser()).tasks.get.query({ id: old }))).data?.appCode).toBe('NOT_FOUND');
  });

  it('moves a backlog in bounded batches, one instance at a time', async () => {
    const user = newUser();
    await sql(`insert into users (id, first_name) values (?, 'Backlog')`, [user.id]);
    await sql(
      `insert into monitoring_tasks (id, user_id, kind, mode, criteria, state, outcome, lease_epoch, finished_at)
       select gen_random_uuid(), ?, 'supply', 'notify', '{}'::jsonb, 'done', 'expired', 0, now() - interval '60 days' - g * interval '1 second'
       from generate_series(1, 2500) g`,
      [user.id],
    );
    const leases = createMemorySharedState().leases;
    const leader = archiver({ leases, instanceId: 'a', batchSize: 1_000 });
    const other = archiver({ leases, instanceId: 'b', batchSize: 1_000 });
    expect(await leader.runIfLeader()).toEqual({ archived: 2_500, batches: 3 });
    expect(await other.runIfLeader()).toBeNull();
    const [{ n }] = (await sql<{ n: string }>(`select count(*) as n from monitoring_tasks_archive where user_id = ?`, [user.id])) as [
      { n: string },
    ];
    expect(Number(n)).toBe(2_500);
    // Nothing left to move: a pass of one short batch.
    expect(await leader.runIfLeader()).toEqual({ archived: 0, batches: 1 });
    await leader.stop();
    // Once the leader stopped (lease released), another instance takes the job.
    expect(await other.runIfLeader()).toEqual({ archived: 0, batches: 1 });
    await other.stop();
  });
});

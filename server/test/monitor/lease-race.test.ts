// Renewal against claim on real PostgreSQL (issue 15, fencing): whichever way they interleave, never both — an instance
// whose renewal succeeded still owns its tasks under the same epoch, and one whose tasks were claimed finds its lease
// lapsed. The lease protocol (LeaseManager) runs as the host runs it, two instances on one database.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LeaseManager } from '../../src/monitor/lease-manager.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { createTestDatabase } from '../harness/database.ts';

const TTL_MS = 1_000;

describe('lease renewal racing a claim', () => {
  let orm: MikroORM;
  let bootDir: string;
  const sql = <T>(query: string, params: unknown[] = []) => orm.em.fork().getConnection().execute<T[]>(query, params);
  const managers: LeaseManager[] = [];
  const manager = (instanceId: string, onRenewalLocked?: () => Promise<void>) => {
    const lease = new LeaseManager({ orm, instanceId, leaseTtlMs: TTL_MS, claimBatch: 100, bootDir, onRenewalLocked });
    managers.push(lease);
    return lease;
  };

  beforeAll(async () => {
    orm = await openDatabase(await createTestDatabase(), pino({ level: 'silent' }));
    bootDir = await mkdtemp(join(tmpdir(), 'lease-race-'));
    await sql("insert into users (id, first_name) values (1, 'Race')");
  });
  afterAll(async () => {
    for (const lease of managers) lease.close();
    await orm.close();
    await rm(bootDir, { recursive: true, force: true });
  });

  /** `count` running tasks owned by `owner`. */
  const tasksOf = async (owner: string, count: number) => {
    const rows = await sql<{ id: string }>(
      `insert into monitoring_tasks (id, user_id, kind, mode, criteria, state, lease_owner, lease_epoch)
       select gen_random_uuid(), 1, 'redistribution', 'autobook', '{}'::jsonb, 'polling', ?, 1 from generate_series(1, ?)
       returning id`,
      [owner, count],
    );
    return rows.map((r) => r.id);
  };
  const owners = async (ids: string[]) =>
    sql<{ lease_owner: string | null; lease_epoch: number }>(
      `select lease_owner, lease_epoch from monitoring_tasks where id in (${ids.map(() => '?').join(', ')})`,
      ids,
    );
  /** Wait (by the database's clock) until the instance's lease has lapsed. */
  const lapsed = (instanceId: string) =>
    vi.waitFor(
      async () => {
        const [row] = await sql<{ lapsed: boolean }>(
          'select lease_until <= clock_timestamp() as lapsed from monitor_instances where id = ?',
          [instanceId],
        );
        expect(row?.lapsed).toBe(true);
      },
      { timeout: 5_000, interval: 20 },
    );

  it('a renewal checked live and held up past lease_until keeps its tasks: the claim skips the row it holds', async () => {
    let release: () => void = () => undefined;
    let held: () => void = () => undefined;
    const holding = new Promise<void>((resolve) => {
      held = resolve;
    });
    const a = manager('race-a1', async () => {
      held();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    const b = manager('race-b1');
    await a.init();
    await b.init();
    await a.register(0);
    await b.register(0);
    const ids = await tasksOf('race-a1', 5);
    // A renewal starts while the lease is live and stops between its check and its write, holding the row …
    const renewal = a.renew(5);
    await holding;
    // … until the lease has lapsed by the database's clock; a claim now must not take A's tasks.
    await lapsed('race-a1');
    const claimed = await b.claimBatch();
    expect(claimed.map((row) => row.id).filter((id) => ids.includes(id))).toEqual([]);
    release();
    expect(await renewal).toBe(true);
    expect(await owners(ids)).toEqual(ids.map(() => ({ lease_owner: 'race-a1', lease_epoch: 1 })));
  });

  it('a renewal that reaches the row while a claim holds it finds its lease lapsed and commits nothing', async () => {
    const a = manager('race-a2');
    const b = manager('race-b2');
    await a.init();
    await b.init();
    await a.register(0);
    await b.register(0);
    const ids = await tasksOf('race-a2', 5);
    await lapsed('race-a2');
    // The claim's lock on the lapsed instance row, held open in a transaction of its own while A renews.
    const em = orm.em.fork();
    await em.begin();
    const conn = em.getConnection();
    await conn.execute('select id from monitor_instances where id = ? for update', ['race-a2'], 'all', em.getTransactionContext());
    const renewal = a.renew(5);
    const claimed = await b.claimBatch();
    await em.commit();
    expect(await renewal).toBe(false);
    // The claim skipped the locked row this time; once the lock is gone B takes the tasks and A's renewal stays refused.
    expect(claimed.filter((row) => ids.includes(row.id))).toEqual([]);
    const again = await b.claimBatch();
    expect(again.map((row) => row.id).sort()).toEqual([...ids].sort());
    expect(await a.renew(5)).toBe(false);
    expect(await owners(ids)).toEqual(ids.map(() => ({ lease_owner: 'race-b2', lease_epoch: 2 })));
  });

  it('the survivors of a dead instance claim its tasks side by side: one claim in flight does not turn another away', async () => {
    await sql("update monitoring_tasks set state = 'done'"); // the earlier tests' lapsed owners left tasks to claim
    const [dead, b, c] = [manager('race-dead'), manager('race-b4'), manager('race-c4')];
    for (const lease of [dead, b, c]) await lease.init();
    for (const lease of [dead, b, c]) await lease.register(0);
    const ids = await tasksOf('race-dead', 6);
    await lapsed('race-dead');
    // B's claim in flight: it holds the lapsed instance row (as a claim does) in a transaction of its own.
    const em = orm.em.fork();
    await em.begin();
    await em
      .getConnection()
      .execute('select id from monitor_instances where id = ? for share', ['race-dead'], 'all', em.getTransactionContext());
    const byC = await c.claimBatch(3);
    await em.commit();
    const byB = await b.claimBatch(3);
    expect(byC.map((row) => row.id).filter((id) => ids.includes(id))).toHaveLength(3);
    expect(byB.map((row) => row.id).filter((id) => ids.includes(id))).toHaveLength(3);
    const rows = await owners(ids);
    expect(rows.filter((row) => row.lease_owner === 'race-b4')).toHaveLength(3);
    expect(rows.filter((row) => row.lease_owner === 'race-c4')).toHaveLength(3);
    expect(rows.every((row) => row.lease_epoch === 2)).toBe(true);
    // The dead instance's renewal, should it come back, finds its lease lapsed.
    expect(await dead.renew(6)).toBe(false);
  });

  it('many renewals racing claims around the lapse: never a renewed lease with its tasks claimed', async () => {
    for (let round = 0; round < 8; round++) {
      const a = manager(`race-a3-${round}`);
      const b = manager(`race-b3-${round}`);
      await a.init();
      await b.init();
      await a.register(0);
      await b.register(0);
      const ids = await tasksOf(`race-a3-${round}`, 3);
      // Renew and claim at once, near the end of the lease.
      await vi.waitFor(
        async () => {
          const [row] = await sql<{ left: number }>(
            'select extract(epoch from lease_until - clock_timestamp()) * 1000 as left from monitor_instances where id = ?',
            [`race-a3-${round}`],
          );
          expect(Number(row?.left)).toBeLessThan(5 + (round % 5));
        },
        { timeout: 5_000, interval: 1 },
      );
      const [renewed, claimed] = await Promise.all([a.renew(5), b.claimBatch()]);
      const stolen = claimed.filter((row) => ids.includes(row.id)).length;
      expect(renewed && stolen > 0).toBe(false);
      if (renewed) expect((await owners(ids)).every((row) => row.lease_owner === `race-a3-${round}`)).toBe(true);
      await sql(`update monitoring_tasks set state = ? where id in (${ids.map(() => '?').join(', ')})`, ['done', ...ids]);
    }
  });
});

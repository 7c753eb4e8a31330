// The delivery worker on its own (real Postgres, a fake Bot API): bounded attempts with the reason logged, permanent
// failures given up at once, and two workers on one database never sending a row twice (SKIP LOCKED claims).
import type { MikroORM } from '@mikro-orm/postgresql';
import { Api } from 'grammy';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { UserService } from '../../src/accounts/user-service.ts';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { enqueueNotification } from '../../src/notify/outbox.ts';
import { OutboxDelivery, type OutboxDeliveryOptions } from '../../src/notify/outbox-delivery.ts';
import { openDatabase } from '../../src/platform/db/orm.ts';
import { createMemorySharedState } from '../../src/platform/kv/memory.ts';
import { FakeBotApi, SERVER_ERROR } from '../bot/fake-bot-api.ts';
import { createTestDatabase } from '../harness/database.ts';
import { LogCapture } from '../harness/log-capture.ts';

const TOKEN = '123456789:TEST-outbox-delivery-worker-token';

describe('outbox delivery worker', () => {
  let fake: FakeBotApi;
  let orm: MikroORM;
  let users: UserService;
  const workers: OutboxDelivery[] = [];
  const logs = new LogCapture();
  let nextUser = 7_600_000;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    orm = await openDatabase(await createTestDatabase(), pino({ level: 'silent' }));
    users = new UserService(orm);
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await orm?.close();
    await fake?.close();
  });

  function worker(name: string, options: Partial<OutboxDeliveryOptions> = {}): OutboxDelivery {
    const delivery = new OutboxDelivery({
      orm,
      // Each its own memory state: both lead, as two instances would for a moment when a lease changes hands.
      shared: createMemorySharedState(),
      api: new Api(TOKEN, { apiRoot: fake.url }),
      render: async (n) => ({ text: `#${n.id} ${n.kind}` }),
      logger: pino({ level: 'info' }, logs),
      instanceId: name,
      leaseName: 'delivery',
      retryBaseMs: 40,
      idleMs: 30,
      ...options,
    });
    workers.push(delivery);
    delivery.start();
    return delivery;
  }

  async function enqueue(kind = 'slot_found'): Promise<number> {
    const id = ++nextUser;
    await users.upsertFromTelegram({ id, firstName: `U${id}` });
    await orm.em.fork().transactional((em) => enqueueNotification(em, { userId: id, kind: kind as 'slot_found', payload: {} }));
    return id;
  }
  const row = (userId: number) => orm.em.fork().findOneOrFail(OutboxMessage, { user: userId });

  it('gives up after the allowed attempts and logs why', async () => {
    const userId = await enqueue();
    fake.fail('sendMessage', SERVER_ERROR, { when: (p) => p.chat_id === userId, times: 10 });
    const delivery = worker('bounded', { maxAttempts: 3 });
    const failed = await vi.waitFor(
      async () => {
        const r = await row(userId);
        expect(r.failedAt).toBeInstanceOf(Date);
        return r;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect({ attempts: failed.attempts, sentAt: failed.sentAt ?? null, lastError: failed.lastError }).toEqual({
      attempts: 3,
      sentAt: null,
      lastError: '502: Bad Gateway',
    });
    expect(fake.callsOf('sendMessage', (p) => p.chat_id === userId)).toHaveLength(3);
    expect(logs.events().find((e) => e.event === 'notify.gave_up' && e.userId === userId)).toMatchObject({
      attempts: 3,
      reason: '502: Bad Gateway',
      kind: 'slot_found',
    });
    await delivery.stop();
  });

  it('gives up at once on what retrying cannot fix: a bad request, or a kind nobody can render', async () => {
    const badRequest = await enqueue();
    fake.fail(
      'sendMessage',
      { error_code: 400, description: "Bad Request: can't parse entities" },
      { when: (p) => p.chat_id === badRequest },
    );
    const unknownKind = await enqueue('from_the_future');
    const delivery = worker('permanent', { render: async (n) => (n.kind === 'from_the_future' ? undefined : { text: 'hi' }) });
    await vi.waitFor(
      async () => {
        expect((await row(badRequest)).failedAt).toBeInstanceOf(Date);
        expect((await row(unknownKind)).failedAt).toBeInstanceOf(Date);
      },
      { timeout: 10_000, interval: 50 },
    );
    expect((await row(badRequest)).attempts).toBe(1);
    expect((await row(unknownKind)).lastError).toBe('cannot render an outbox message of kind from_the_future');
    expect(fake.callsOf('sendMessage', (p) => p.chat_id === unknownKind)).toEqual([]);
    await delivery.stop();
  });

  it('two workers on one database deliver every message exactly once', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 40; i++) ids.push(await enqueue());
    const after = fake.mark();
    const one = worker('one', { maxInFlight: 7 });
    const two = worker('two', { maxInFlight: 7 });
    await vi.waitFor(
      async () => expect(await orm.em.fork().count(OutboxMessage, { user: { $in: ids }, sentAt: { $ne: null } })).toBe(ids.length),
      { timeout: 20_000, interval: 100 },
    );
    const sent = fake.calls.slice(after).filter((c) => c.method === 'sendMessage');
    expect(sent.map((c) => c.payload.chat_id).sort()).toEqual([...ids].sort());
    // Both took part.
    expect(one.stats.sent).toBeGreaterThan(0);
    expect(two.stats.sent).toBeGreaterThan(0);
    expect(one.stats.sent + two.stats.sent).toBe(ids.length);
  });
});

// Notifications from the engine reach Telegram (a fake Bot API over HTTP): once, even across restarts; 429s waited
// out; 5xx retried with backoff; one message per second per chat; a user who blocked the bot marked inactive.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { User } from '../../src/db/entities/user.ts';
import { enqueueNotification } from '../../src/notify/outbox.ts';
import { buttons, newBotToken, PUBLIC_URL, roundTrip, startBotServer } from '../bot/bot-harness.ts';
import { BLOCKED, FakeBotApi, type RecordedCall, SERVER_ERROR, type TestUser, tooManyRequests } from '../bot/fake-bot-api.ts';
import { createTestDatabase } from '../harness/database.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import type { TestServer } from '../harness/test-server.ts';

describe('notification delivery', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  let env: Record<string, string>;
  let next = 7_500_000;
  const newUser = (languageCode = 'ru'): TestUser => ({ id: ++next, firstName: `Seller${next}`, languageCode });
  const toChat = (user: TestUser, pattern?: RegExp) => (p: Record<string, unknown>) =>
    p.chat_id === user.id && (!pattern || pattern.test(String(p.text)));

  /** A notification the way the engine writes it (the user must exist). */
  async function enqueue(user: TestUser, kind: 'credits_exhausted' | 'slot_found', payload: Record<string, unknown>) {
    await server.client(user).me.get.query();
    await server.orm.em.fork().transactional((em) => enqueueNotification(em, { userId: user.id, kind, payload }));
  }
  const slot = (n: number) => ({
    taskId: '00000000-0000-4000-8000-000000000001',
    warehouseId: 117501,
    date: addDays(moscowToday(), n),
    coefficient: 1,
    boxTypeId: 2,
    bookUrl: 'https://seller.wildberries.ru/supplies-management/all-supplies',
  });

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    // Bookings within seconds of a slot opening: the sandbox with WB's official method back on feeds at that pace.
    env = { BOT_TOKEN: newBotToken(), DATABASE_URL: await createTestDatabase(), WB_SANDBOX_OFFICIAL: '1' };
    server = await startBotServer(fake, env, { pollIntervalMs: 200 });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('tells the seller about a booking (warehouse, date, time, account, ids) exactly once, across restarts', async () => {
    const wb = sandboxControl(server.sandboxUrl);
    await wb.scenario({ running: false });
    const today = moscowToday();
    for (let i = 0; i < 14; i++)
      for (const boxTypeId of [2, 5, 6])
        await wb.setCell({ warehouseId: 507, date: addDays(today, i), boxTypeId, coefficient: -1, allowUnload: false });
    const user = newUser();
    const seller = await wb.createSeller({ name: 'ООО Доставка', captcha: false });
    await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Основной кабинет', secret: seller.portalSession });
    const preorder = seller.preorders.find((p) => p.warehouseId === 507 && p.boxTypeId === 2)!;
    const day = addDays(today, 5);
    const { id } = await server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'autobook',
      warehouseIds: [507],
      boxTypeId: 2,
      dateFrom: today,
      dateTo: addDays(today, 10),
      maxCoefficient: 1,
      preorderId: String(preorder.id),
    });
    await wb.setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 0, allowUnload: true });

    const message = await fake.waitFor('sendMessage', toChat(user, /Слот забронирован/), { timeoutMs: 30_000 });
    const booking = (await server.client(user).tasks.get.query({ id })).bookings[0] as { id: string; supplyId: string };
    const text = message.payload.text as string;
    expect(text).toContain('Склад: Коледино');
    expect(text).toMatch(new RegExp(`Дата: <b>${Number(day.slice(8))} [а-я]+, [а-я]{2}</b> · коэффициент x0`));
    expect(text).toContain('Кабинет: Основной кабинет (ООО Доставка)');
    expect(text).toContain(`Поставка: <code>${booking.supplyId}</code>`);
    expect(text).toContain(`Бронь: <code>${booking.id}</code>`);
    expect(text).toMatch(/Забронировано в \d{2}:\d{2} по Москве/);
    expect(buttons(message)).toEqual([{ text: 'Открыть задачу', web_app: { url: `${PUBLIC_URL}/tasks/${id}` } }]);
    await vi.waitFor(async () => {
      const row = await server.orm.em.fork().findOneOrFail(OutboxMessage, { user: user.id, kind: 'booked' });
      expect(row.sentAt).toBeInstanceOf(Date);
    });

    // Restart, then let the new server deliver something else: the booking is not announced again.
    await server.close();
    server = await startBotServer(fake, env, { pollIntervalMs: 200 });
    const after = fake.mark();
    await enqueue(user, 'credits_exhausted', { taskId: id });
    await fake.waitFor('sendMessage', toChat(user, /закончились/), { after });
    expect(fake.callsOf('sendMessage', toChat(user, /Слот забронирован/))).toHaveLength(1);
  });

  it('a message being sent when the server stops is finished and marked, not sent again by the next server', async () => {
    const user = newUser('en');
    const release = fake.hold('sendMessage');
    await enqueue(user, 'slot_found', slot(3));
    await fake.waitFor('sendMessage', toChat(user, /Slot available/));
    const closing = server.close();
    release();
    await closing;
    server = await startBotServer(fake, env, { pollIntervalMs: 200 });
    const after = fake.mark();
    await enqueue(user, 'credits_exhausted', { taskId: slot(0).taskId });
    await fake.waitFor('sendMessage', toChat(user, /used up/), { after });
    expect(fake.callsOf('sendMessage', toChat(user, /Slot available/))).toHaveLength(1);
  });

  it('waits out a 429 for its retry_after, then delivers', async () => {
    const user = newUser('en');
    fake.fail('sendMessage', tooManyRequests(1), { when: toChat(user) });
    await enqueue(user, 'slot_found', slot(4));
    const [limited, delivered] = await vi.waitFor(
      () => {
        const sent = fake.callsOf('sendMessage', toChat(user));
        expect(sent).toHaveLength(2);
        return sent as [RecordedCall, RecordedCall];
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(limited.error?.error_code).toBe(429);
    expect(delivered.error).toBeUndefined();
    expect(delivered.at - limited.at).toBeGreaterThanOrEqual(1_000);
    expect(buttons(delivered)[0]).toEqual({ text: 'Book in WB', url: slot(4).bookUrl });
  });

  it('retries 5xx with a growing backoff', async () => {
    const user = newUser('en');
    fake.fail('sendMessage', SERVER_ERROR, { when: toChat(user), times: 2 });
    await enqueue(user, 'slot_found', slot(5));
    const calls = await vi.waitFor(
      () => {
        const sent = fake.callsOf('sendMessage', toChat(user));
        expect(sent.map((c) => c.error?.error_code ?? 'ok')).toEqual([502, 502, 'ok']);
        return sent;
      },
      { timeout: 20_000, interval: 100 },
    );
    // Backoff with equal jitter from 2 s: the first retry after at least 1 s, the second after at least 2 s.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(2_000);
    // Telegram answered; the worker marks the message sent right after (not before the fake has recorded the call).
    await vi.waitFor(
      async () => {
        const row = await server.orm.em.fork().findOneOrFail(OutboxMessage, { user: user.id, kind: 'slot_found' });
        expect({ attempts: row.attempts, sent: row.sentAt instanceof Date }).toEqual({ attempts: 3, sent: true });
      },
      { timeout: 5_000, interval: 50 },
    );
  });

  it('sends at most one message per second to a chat, without holding up other chats', async () => {
    const busy = newUser('en');
    const others = [newUser('en'), newUser('en'), newUser('en')];
    for (let i = 0; i < 3; i++) await enqueue(busy, 'slot_found', slot(6 + i));
    for (const user of others) await enqueue(user, 'slot_found', slot(9));
    const busyCalls = await vi.waitFor(
      () => {
        const sent = fake.callsOf('sendMessage', toChat(busy));
        expect(sent).toHaveLength(3);
        return sent;
      },
      { timeout: 20_000, interval: 100 },
    );
    // In order, a second apart.
    expect(busyCalls.map((c) => c.payload.text.match(/<b>(.*?)<\/b>/g)?.[1])).toEqual(
      [6, 7, 8].map((n) => expect.stringContaining(String(Number(addDays(moscowToday(), n).slice(8))))),
    );
    // The throttler starts them a second apart; what the fake sees also carries each request's own latency, which on a
    // busy machine differs by a hundred ms or more. So: the three span two seconds, and no two arrive together.
    expect(busyCalls[2]!.at - busyCalls[0]!.at).toBeGreaterThanOrEqual(1_800);
    for (let i = 1; i < 3; i++) expect(busyCalls[i]!.at - busyCalls[i - 1]!.at).toBeGreaterThanOrEqual(600);
    for (const user of others) {
      const [call] = fake.callsOf('sendMessage', toChat(user));
      expect(call!.at - busyCalls[0]!.at).toBeLessThan(900);
    }
  });

  it('marks a user who blocked the bot inactive and stops messaging them until they come back', async () => {
    const user = newUser('en');
    fake.fail('sendMessage', BLOCKED, { when: toChat(user) });
    await enqueue(user, 'slot_found', slot(10));
    const em = () => server.orm.em.fork();
    await vi.waitFor(async () => expect((await em().findOneOrFail(User, user.id)).active).toBe(false), { timeout: 10_000, interval: 50 });
    await vi.waitFor(
      async () => {
        const first = await em().findOneOrFail(OutboxMessage, { user: user.id });
        expect(first.failedAt).toBeInstanceOf(Date);
        expect(first.lastError).toMatch(/403: Forbidden: bot was blocked by the user/);
      },
      { timeout: 5_000, interval: 50 },
    );

    // While inactive, messages are given up without calling Telegram.
    const calls = fake.callsOf('sendMessage', toChat(user)).length;
    await server.orm.em
      .fork()
      .transactional((tx) => enqueueNotification(tx, { userId: user.id, kind: 'credits_exhausted', payload: { taskId: slot(0).taskId } }));
    await vi.waitFor(
      async () =>
        expect((await em().findOneOrFail(OutboxMessage, { user: user.id, kind: 'credits_exhausted' })).failedAt).toBeInstanceOf(Date),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
    expect(fake.callsOf('sendMessage', toChat(user))).toHaveLength(calls);

    // They unblock and write to the bot: active again, and notified again.
    await roundTrip(fake, fake.message(user, '/start'));
    expect((await em().findOneOrFail(User, user.id)).active).toBe(true);
    const after = fake.mark();
    await enqueue(user, 'slot_found', slot(11));
    await fake.waitFor('sendMessage', toChat(user, /Slot available/), { after });
  });
});

// /new end to end: warehouse search, box type, coefficient, then the inline calendar (month navigation, range with
// end ≥ start) creates the notify task the user chose. The draft lives in the Redis session: a server restart in the
// middle of the flow loses nothing.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { shiftMonth } from '../../src/bot/calendar-keyboard.ts';
import { createTestDatabase } from '../harness/database.ts';
import type { TestServer } from '../harness/test-server.ts';
import { buttons, newBotToken, press, roundTrip, startBotServer } from './bot-harness.ts';
import { FakeBotApi, type RecordedCall } from './fake-bot-api.ts';

const ymd = (date: string) => date.split('-').map(Number) as [number, number, number];
const pickData = (date: string) => {
  const [y, m, d] = ymd(date);
  return `cal:pick:${y}:${m}:${d}`;
};
const label = (call: RecordedCall, data: string) => buttons(call).find((b) => b.callback_data === data)?.text;

describe('bot: /new with the inline calendar', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  let env: Record<string, string>;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    env = { BOT_TOKEN: newBotToken(), DATABASE_URL: await createTestDatabase(), REDIS_URL: inject('redisUrl') };
    server = await startBotServer(fake, env);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('creates the task the user chose, and a half-finished draft survives a server restart', async () => {
    const user = { id: 7_200_001, firstName: 'Ольга', languageCode: 'ru' };
    const today = moscowToday();

    // Step 1: the warehouse, found by typing part of its name.
    const first = await roundTrip(fake, fake.message(user, '/new'));
    expect(first.payload.text).toContain('шаг 1 из 4');
    expect(buttons(first).some((b) => b.callback_data?.startsWith('wh:pick:'))).toBe(true);
    const found = await roundTrip(fake, fake.message(user, 'колед'));
    expect(buttons(found).filter((b) => b.callback_data?.startsWith('wh:pick:'))).toEqual([
      { text: 'Коледино', callback_data: 'wh:pick:507' },
    ]);
    // The search answer is now the draft's message: its buttons drive the flow.
    const messageId = found.result?.message_id as number;

    // Steps 2 and 3: box type and the highest coefficient.
    let step = await press(fake, user, 'wh:pick:507', messageId);
    expect((await step.edited()).payload.text).toContain('Склад: Коледино');
    step = await press(fake, user, 'box:2', messageId);
    expect((await step.edited()).payload.text).toContain('Короба');
    step = await press(fake, user, 'coef:1', messageId);
    const calendar = await step.edited();
    const [ty, tm] = ymd(today);
    expect(label(calendar, `cal:noop:${ty}:${tm}:0`)).toBeDefined();

    // Month navigation there and back.
    const next = shiftMonth({ year: ty, month: tm }, 1);
    step = await press(fake, user, `cal:nav:${next.year}:${next.month}:0`, messageId);
    expect(buttons(await step.edited()).some((b) => b.callback_data === `cal:pick:${next.year}:${next.month}:28`)).toBe(true);
    step = await press(fake, user, `cal:nav:${ty}:${tm}:0`, messageId);
    await step.edited();

    // The range: a start, then a "last day" before it, which the calendar refuses to make an end (it becomes the start).
    const start = addDays(today, 3);
    const earlier = addDays(today, 1);
    const end = addDays(today, 6);
    step = await press(fake, user, pickData(start), messageId);
    expect(step.answer.payload.text).toBe('Первый день выбран. Теперь последний.');
    expect(label(await step.edited(), pickData(start))).toBe(`[${ymd(start)[2]}]`);
    step = await press(fake, user, pickData(earlier), messageId);
    expect(step.answer.payload.text).toMatch(/не может быть раньше первого/);
    await step.edited();

    // Restart in the middle of the flow: the draft is in Redis, not in this process.
    await server.close();
    server = await startBotServer(fake, env);

    step = await press(fake, user, pickData(end), messageId);
    expect(step.answer.payload.text).toBe('Период выбран. Нажмите «Создать задачу».');
    const ranged = await step.edited();
    expect(ranged.payload.text).toContain('Склад: Коледино · Короба · до x1');
    expect(label(ranged, pickData(end))).toBe(`[${ymd(end)[2]}]`);
    const between = addDays(earlier, 1);
    if (ymd(between)[1] === ymd(end)[1]) expect(label(ranged, pickData(between))).toBe(`·${ymd(between)[2]}·`);

    step = await press(fake, user, `cal:done:${ymd(end)[0]}:${ymd(end)[1]}:0`, messageId);
    const created = await step.edited();
    expect(created.payload.text).toMatch(/^✅ Задача создана: Коледино · Короба · до x1/);

    const tasks = await server.client(user).tasks.list.query();
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({
      kind: 'supply',
      mode: 'notify',
      criteria: { warehouseIds: [507], boxTypeId: 2, maxCoefficient: 1, dateFrom: earlier, dateTo: end },
    });

    // The draft is gone: its buttons are now stale, and say so.
    step = await press(fake, user, pickData(end), messageId);
    expect(step.answer.payload.text).toBe('Создание задачи устарело. Начните заново: /new');
  });
});

// /new end to end: warehouse search, box type, coefficient, then the inline calendar (month navigation, range with
// end ≥ start) creates the notify task the user chose. The draft lives in the Redis session: a server restart in the
// middle of the flow loses nothing.

import type { WarehouseInsights } from '@slotpilot/shared';
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { shiftMonth } from '../../src/bot/calendar-keyboard.ts';
import { InsightsService } from '../../src/insights/insights-service.ts';
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

  /** Through /new to the box type's answer (the coefficient step), in a fresh message. */
  async function toCoefficientStep(user: { id: number; firstName: string; languageCode: string }) {
    const found = await roundTrip(fake, fake.message(user, '/new'));
    const messageId = found.result?.message_id as number;
    await (await press(fake, user, 'wh:pick:507', messageId)).edited();
    return { messageId, coefficientStep: await (await press(fake, user, 'box:2', messageId)).edited() };
  }

  it('says how little slot history there is yet, and no figure, below the minimum observation', async () => {
    const user = { id: 7_200_002, firstName: 'Пётр', languageCode: 'ru' };
    const { coefficientStep } = await toCoefficientStep(user);
    expect(coefficientStep.error).toBeUndefined();
    expect(coefficientStep.payload.text).toMatch(
      /\n\n📊 <i>Статистики пока нет: склад наблюдается [\d,]+ (день|дня|дней) из 3 нужных\.<\/i>$/,
    );
  });

  it('with enough history: the suggestion at the coefficient step, then the line for the chosen maximum, in English', async () => {
    const none = { openings: 0, perDay: 0, medianOpenSeconds: null, stillOpen: 0, heatmap: [], daysAhead: [] };
    const answer: WarehouseInsights = {
      status: 'ok',
      warehouseId: 507,
      boxTypeId: 2,
      days: 7,
      observation: { days: 9, calendarDays: 9, minimumDays: 3, from: '2026-11-26', firstDay: '2026-11-24' },
      thresholds: [
        { threshold: 0, ...none, openings: 1, perDay: 0.11, medianOpenSeconds: 20, heatmap: [{ weekday: 2, hour: 9, openings: 1 }] },
        {
          threshold: 1,
          ...none,
          openings: 6,
          perDay: 0.67,
          medianOpenSeconds: 40,
          heatmap: [
            { weekday: 2, hour: 9, openings: 3 },
            { weekday: 3, hour: 10, openings: 2 },
            { weekday: 6, hour: 20, openings: 1 },
          ],
        },
        { threshold: 2, ...none },
        { threshold: 3, ...none },
        { threshold: 5, ...none },
      ],
      suggestion: { threshold: 1, perDay: 0.67, timesX0: 5 },
      computedAt: Date.now(),
    };
    // The figures themselves are the insights suites' (simulated week); here, what /new makes of a known answer.
    const spy = vi.spyOn(InsightsService.prototype, 'warehouse').mockResolvedValue(answer);
    try {
      const user = { id: 7_200_003, firstName: 'Nina', languageCode: 'en' };
      const { messageId, coefficientStep } = await toCoefficientStep(user);
      expect(spy).toHaveBeenCalledWith(user.id, { warehouseId: 507, boxTypeId: 2, days: 7 });
      expect(coefficientStep.payload.text).toContain('\n\n📊 <i>x1 catches 5× as often as x0 here.</i>');
      const dates = await (await press(fake, user, 'coef:1', messageId)).edited();
      expect(dates.error).toBeUndefined();
      expect(dates.payload.text).toContain(
        '📊 <i>In the last 7 days at ≤ x1 you would have had 6 slots here, mostly Tue–Wed 9:00–11:00 Moscow time, they lasted ~40 sec (from 9 days of observation).</i>',
      );
      // Worked out once per box type: calendar presses do not ask again.
      await (await press(fake, user, pickData(addDays(moscowToday(), 2)), messageId)).edited();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

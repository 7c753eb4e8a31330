// Inline buttons that are forged, mangled, stale or someone else's get a polite answer, never an exception; /tasks
// pauses and cancels through the same task service the Mini App uses.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestServer } from '../harness/test-server.ts';
import { buttons, press, roundTrip, startBotServer } from './bot-harness.ts';
import { FakeBotApi } from './fake-bot-api.ts';

describe('bot: buttons', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  const alice = { id: 7_300_001, firstName: 'Alice', languageCode: 'en' };
  const mallory = { id: 7_300_002, firstName: 'Mallory', languageCode: 'en' };
  const ADMIN = { id: 7_300_009, firstName: 'Admin', languageCode: 'en' };

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake, { ADMIN_IDS: String(ADMIN.id) });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  const notifyTask = () => ({
    kind: 'supply' as const,
    mode: 'notify' as const,
    warehouseIds: [117501],
    boxTypeId: 5 as const,
    dateFrom: addDays(moscowToday(), 2),
    dateTo: addDays(moscowToday(), 9),
    maxCoefficient: 2,
  });

  it('answers forged or mangled callback data politely', async () => {
    await roundTrip(fake, fake.message(mallory, '/start'));
    const forged = [
      'cal:pick:2026:13:45',
      'cal:pick:2027:2:30',
      'cal:evil:2026:1:1',
      'cal:pick:1:1:1',
      'wh:pick:-1',
      'box:3',
      'coef:999',
      'tsk:cancel:not-a-task',
      'buy:',
      '💥',
      'x'.repeat(64),
    ];
    for (const data of forged) {
      const { answer } = await press(fake, mallory, data, 1);
      expect({ data, text: answer.payload.text }).toEqual({ data, text: 'This button no longer works. Open the menu again.' });
    }
    const unknownPack = await press(fake, mallory, 'buy:pack-999', 1);
    expect(unknownPack.answer.payload).toMatchObject({ text: 'This pack is no longer sold. Choose one from the list.', show_alert: true });
  });

  it("someone else's task is not found; a stale calendar says so", async () => {
    const { id } = await server.client(alice).tasks.create.mutate(notifyTask());
    const { answer } = await press(fake, mallory, `tsk:cancelok:${id}`, 1);
    expect(answer.payload).toMatchObject({ text: 'Not found. It may have been removed already.', show_alert: true });
    // Asking to cancel it shows no confirmation either: not theirs.
    const ask = await press(fake, mallory, `tsk:cancel:${id}`, 1);
    expect(ask.answer.payload.text).toBe('This menu is out of date. Open it again.');
    expect((await server.client(alice).tasks.get.query({ id })).state).not.toBe('done');

    // Two /new in a row: the first message's buttons belong to a replaced draft.
    const old = await roundTrip(fake, fake.message(mallory, '/new'));
    await roundTrip(fake, fake.message(mallory, '/new'));
    const stale = await press(fake, mallory, 'wh:pick:507', old.result?.message_id as number);
    expect(stale.answer.payload.text).toBe('This menu is out of date. Open it again.');
    // A calendar button with no draft at that step.
    const early = await press(
      fake,
      mallory,
      `cal:pick:${moscowToday().split('-').map(Number).join(':')}`,
      old.result?.message_id as number,
    );
    expect(early.answer.payload.text).toBe('This menu is out of date. Open it again.');

    const failures = server.logs.events().filter((e) => e.event === 'bot.handler_failed' || e.event === 'bot.update_failed');
    expect(failures).toEqual([]);
  });

  it('/tasks lists the tasks with pause, resume and cancel buttons that work', async () => {
    const { id } = await server.client(alice).tasks.create.mutate(notifyTask());
    await vi.waitFor(async () => expect((await server.client(alice).tasks.get.query({ id })).state).toBe('polling'), {
      timeout: 15_000,
      interval: 50,
    });
    const list = await roundTrip(fake, fake.message(alice, '/tasks'));
    expect(list.payload.text).toContain('Your tasks');
    expect(list.payload.text).toContain('Подольск · Monopallets · up to x2');
    const messageId = list.result?.message_id as number;
    const pause = buttons(list).find((b) => b.callback_data === `tsk:pause:${id}`);
    expect(pause).toBeDefined();

    let step = await press(fake, alice, `tsk:pause:${id}`, messageId);
    expect(step.answer.payload.text).toBe('The task is paused.');
    expect(buttons(await step.edited()).map((b) => b.callback_data)).toContain(`tsk:resume:${id}`);
    expect((await server.client(alice).tasks.get.query({ id })).state).toBe('idle');

    // Named by warehouse, and cancelling asks first; "no" goes back to the list with nothing changed.
    expect(buttons(await step.edited()).map((b) => b.text)).toContain('✖️ 1. Подольск');
    step = await press(fake, alice, `tsk:cancel:${id}`, messageId);
    const confirm = await step.edited();
    expect(confirm.payload.text).toMatch(/^Cancel this task\?\nПодольск · Monopallets/);
    expect(buttons(confirm).map((b) => b.callback_data)).toEqual([`tsk:cancelok:${id}`, 'tsk:list']);
    expect((await server.client(alice).tasks.get.query({ id })).state).toBe('idle');
    const mark = fake.mark();
    await press(fake, alice, 'tsk:list', messageId);
    const back = await fake.waitFor('editMessageText', (p) => p.message_id === messageId, { after: mark });
    expect(back.payload.text).toContain('Your tasks');

    step = await press(fake, alice, `tsk:cancelok:${id}`, messageId);
    expect(step.answer.payload.text).toBe('The task is cancelled.');
    const after = await step.edited();
    expect(after.payload.text).toContain('cancelled');
    expect(buttons(after).map((b) => b.callback_data)).not.toContain(`tsk:cancel:${id}`);
    expect(await server.client(alice).tasks.get.query({ id })).toMatchObject({ state: 'done', outcome: 'cancelled' });
  });

  it('/inspect shows an admin any task: state, owner and the last transitions', async () => {
    const { id } = await server.client(alice).tasks.create.mutate(notifyTask());
    await vi.waitFor(async () => expect((await server.client(alice).tasks.get.query({ id })).state).toBe('polling'), {
      timeout: 15_000,
      interval: 50,
    });
    const reply = await roundTrip(fake, fake.message(ADMIN, `/inspect ${id}`));
    const text = reply.payload.text as string;
    expect(text).toMatch(/^<pre>/);
    expect(text).toContain(`task ${id}`);
    expect(text).toContain(`user ${alice.id} · supply/notify`);
    expect(text).toContain('state polling');
    expect(text).toMatch(/last transitions \(\d+\):\n.*START: idle → polling/s);

    expect((await roundTrip(fake, fake.message(ADMIN, '/inspect nonsense'))).payload.text).toBe('Usage: /inspect <task id>');
    const missing = await roundTrip(fake, fake.message(ADMIN, '/inspect 00000000-0000-4000-8000-000000000000'));
    expect(missing.payload.text).toBe('Not found. It may have been removed already.');
  });
});

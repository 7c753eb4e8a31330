// Alerts a seller can act on, against the strict fake Bot API: one message per cell naming every task it matched,
// a delayed alert that no longer says "book now", reasons in the seller's language with the buttons that fix them,
// endings the engine did not write (dates passed) reported once, and "credits exhausted" that can be said again later.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MonitoringTask } from '../../src/db/entities/monitoring-task.ts';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { SlotFeed } from '../../src/feed/slot-feed.ts';
import { enqueueNotification, type OutboxKind } from '../../src/notify/outbox.ts';
import { buttons, PUBLIC_URL, startBotServer } from '../bot/bot-harness.ts';
import { FakeBotApi, type TestUser } from '../bot/fake-bot-api.ts';
import type { TestServer } from '../harness/test-server.ts';

describe('alerts a seller can act on', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  let next = 7_460_000;
  const newUser = (languageCode = 'ru'): TestUser => ({ id: ++next, firstName: `Seller${next}`, languageCode });
  const toChat = (user: TestUser) => (p: Record<string, unknown>) => p.chat_id === user.id;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  async function enqueue(user: TestUser, rows: Array<{ kind: OutboxKind; payload: Record<string, unknown>; ageMs?: number }>) {
    await server.client(user).me.get.query();
    await server.orm.em.fork().transactional(async (em) => {
      for (const row of rows) {
        await enqueueNotification(em, { userId: user.id, kind: row.kind, payload: row.payload });
        if (row.ageMs)
          await em.execute(
            "update outbox set created_at = now() - ?::interval where user_id = ? and kind = ? and created_at > now() - interval '1 minute'",
            [`${row.ageMs} milliseconds`, user.id, row.kind],
          );
      }
    });
  }

  /** A paused notify task (the engine leaves it alone), for alerts to name. */
  async function pausedTask(user: TestUser, maxCoefficient: number, from: number, to: number): Promise<string> {
    const { id } = await server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [117501],
      boxTypeId: 2,
      dateFrom: addDays(moscowToday(), from),
      dateTo: addDays(moscowToday(), to),
      maxCoefficient,
    });
    await server.client(user).tasks.pause.mutate({ id });
    return id;
  }

  it('one slot, three tasks: one message naming every task, with a button for each', async () => {
    const user = newUser('en');
    await server.client(user).me.get.query();
    const tasks = [await pausedTask(user, 1, 2, 9), await pausedTask(user, 3, 1, 12), await pausedTask(user, 0, 3, 5)];
    const date = addDays(moscowToday(), 4);
    const slot = {
      warehouseId: 117501,
      date,
      coefficient: 0,
      boxTypeId: 2,
      bookUrl: 'https://seller.wildberries.ru/supplies-management/all-supplies',
    };
    const after = fake.mark();
    await enqueue(
      user,
      tasks.map((taskId) => ({ kind: 'slot_found' as const, payload: { taskId, ...slot } })),
    );
    const message = await fake.waitFor('sendMessage', (p) => toChat(user)(p) && /Matches 3/.test(String(p.text)), { after });
    expect(message.error).toBeUndefined();
    const text = message.payload.text as string;
    expect(text).toContain('Slot available!');
    expect(text).toContain('Matches 3 of your tasks:');
    const short = (n: number) => {
      const iso = addDays(moscowToday(), n);
      return `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;
    };
    expect(text).toContain(`• up to x1 · ${short(2)}–${short(9)} · alert`);
    expect(text).toContain(`• x0 — free · ${short(3)}–${short(5)} · alert`);
    // (Whether the sandbox's picture still has this cell open decides the last line; the next test pins it closed.)
    expect(text).toMatch(/book it now|closed while this message was on its way/);
    const labels = buttons(message).map((b) => b.text);
    expect(labels[0]).toBe('Book in WB');
    expect(labels.slice(1)).toHaveLength(3);
    expect(
      buttons(message)
        .slice(1)
        .map((b) => b.web_app?.url),
    ).toEqual(tasks.map((id) => `${PUBLIC_URL}/tasks/${id}/found`));

    await expect
      .poll(
        async () =>
          (await server.orm.em.fork().find(OutboxMessage, { user: user.id, kind: 'slot_found' })).filter(
            (r) => r.sentAt && r.payload.date === date,
          ).length,
        { timeout: 15_000 },
      )
      .toBe(3);
    // A fourth task's alert for the same cell a moment later is folded into the one just sent.
    const late = '00000000-0000-4000-8000-0000000000d1';
    await enqueue(user, [{ kind: 'slot_found', payload: { taskId: late, ...slot } }]);
    await expect
      .poll(
        async () =>
          (await server.orm.em.fork().find(OutboxMessage, { user: user.id, kind: 'slot_found' })).filter(
            (r) => r.sentAt && r.payload.date === date,
          ).length,
        { timeout: 15_000 },
      )
      .toBe(4);
    // (The engine may alert these tasks about other cells of the sandbox meanwhile: only this cell counts.)
    const dateLine = /Date: <b>[^<]+<\/b>/.exec(text)?.[0] ?? '';
    expect(fake.callsOf('sendMessage', (p) => toChat(user)(p) && String(p.text).includes(dateLine))).toHaveLength(1);
  });

  it('a reopened cell is announced again; one message per user, cell and opening', async () => {
    const user = newUser('en');
    await server.client(user).me.get.query();
    const [a, b] = ['00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-0000000000f2'];
    const date = addDays(moscowToday(), 8);
    const cell = { warehouseId: 117501, date, coefficient: 1, boxTypeId: 2 };
    /** What the engine writes when a task finds the cell open (supply-act.ts: the same key per task and cell). */
    const found = (...taskIds: string[]) =>
      server.orm.em.fork().transactional(async (em) => {
        for (const taskId of taskIds)
          await enqueueNotification(em, {
            userId: user.id,
            kind: 'slot_found',
            payload: { taskId, ...cell },
            dedupeKey: `slot_found:${taskId}:${cell.warehouseId}:${date}`,
          });
      });
    const rows = () => server.orm.em.fork().find(OutboxMessage, { user: user.id, kind: 'slot_found' }, { orderBy: { id: 'asc' } });
    const settled = async (count: number) =>
      expect.poll(async () => (await rows()).filter((r) => r.sentAt).length, { timeout: 15_000 }).toBe(count);
    const messages = () => fake.callsOf('sendMessage', (p) => toChat(user)(p) && /Slot available/.test(String(p.text)));
    /** Time passes: the alerts so far were found 40 s ago (past the repeat guard, inside the 2-minute fold window). */
    const age = () =>
      server.orm.em
        .fork()
        .getConnection()
        .execute("update outbox set created_at = created_at - interval '40 seconds' where user_id = ? and kind = 'slot_found'", [user.id]);

    // The first opening, found by both tasks: one message naming both.
    await found(a, b);
    await settled(2);
    expect(messages()).toHaveLength(1);
    expect(messages()[0]?.payload.text).toContain('Matches 2 of your tasks');
    // The same opening again (an act re-run after a crash): nothing new.
    await found(a);
    expect(await rows()).toHaveLength(2);

    // The cell closed and opened again; both tasks find it: one new message.
    await age();
    let after = fake.mark();
    await found(a, b);
    await settled(4);
    expect(messages()).toHaveLength(2);
    expect((await fake.waitFor('sendMessage', toChat(user), { after })).payload.text).toContain('Matches 2 of your tasks');

    // It reopens once more; task a sees it first (its own message), task b's alert a moment later is folded into it.
    await age();
    after = fake.mark();
    await found(a);
    await fake.waitFor('sendMessage', toChat(user), { after });
    await settled(5);
    await found(b);
    await settled(6);
    expect((await rows()).at(-1)?.lastError).toMatch(/coalesced/);
    expect(messages()).toHaveLength(3);
  });

  it('an alert delivered minutes late says the slot may be gone instead of "book now"', async () => {
    const user = newUser('ru');
    const after = fake.mark();
    await enqueue(user, [
      {
        kind: 'slot_found',
        payload: { taskId: '00000000-0000-4000-8000-0000000000a1', warehouseId: 117501, date: addDays(moscowToday(), 2), coefficient: 1 },
        ageMs: 6 * 60_000,
      },
    ]);
    const message = await fake.waitFor('sendMessage', toChat(user), { after });
    expect(message.payload.text).toMatch(/мин назад: сообщение задержалось, слот мог уже уйти/);
    expect(message.payload.text).not.toContain('бронируйте сейчас');
  });

  it('an alert whose cell closed before it went out says so instead of "book now"', async () => {
    const user = newUser('en');
    const date = addDays(moscowToday(), 11);
    const original = SlotFeed.prototype.peek;
    const spy = vi.spyOn(SlotFeed.prototype, 'peek').mockImplementation(function (this: SlotFeed, warehouseId, userId) {
      if (warehouseId !== 120762) return original.call(this, warehouseId, userId);
      const cell = { date, boxTypeId: 2, coefficient: -1, allowUnload: false };
      return {
        warehouseId,
        warehouseName: 'Электросталь',
        fetchedAt: Date.now(),
        source: 'portal',
        freshUntil: Date.now() + 60_000,
        cells: [cell],
      };
    });
    try {
      const after = fake.mark();
      await enqueue(user, [
        {
          kind: 'slot_found',
          payload: { taskId: '00000000-0000-4000-8000-0000000000e1', warehouseId: 120762, date, coefficient: 0, boxTypeId: 2 },
        },
      ]);
      const message = await fake.waitFor('sendMessage', toChat(user), { after });
      expect(message.payload.text).toContain('but it closed while this message was on its way');
      expect(message.payload.text).not.toContain('book it now');
    } finally {
      spy.mockRestore();
    }
  });

  it('reasons in the seller language with the buttons that fix them; an unknown code is never shown raw', async () => {
    const user = newUser('ru');
    const taskId = '00000000-0000-4000-8000-0000000000b1';
    const actionUrl = 'https://seller.wildberries.ru/supplies-management/preorders/123/choose-date';
    let after = fake.mark();
    await enqueue(user, [{ kind: 'needs_action', payload: { taskId, reason: 'no_portal_session', warehouseId: 117501, actionUrl } }]);
    const noSession = await fake.waitFor('sendMessage', toChat(user), { after });
    expect(noSession.payload.text).toContain('Нет действующей сессии кабинета WB');
    expect(noSession.payload.text).not.toMatch(/no_portal_session|Кредит/);
    expect(buttons(noSession)).toEqual([
      { text: 'Открыть ключи', web_app: { url: `${PUBLIC_URL}/keys` } },
      { text: 'Открыть кабинет WB', url: actionUrl },
    ]);

    after = fake.mark();
    await enqueue(user, [{ kind: 'task_failed', payload: { taskId, reason: 'portal_refused' } }]);
    const refused = await fake.waitFor('sendMessage', toChat(user), { after });
    expect(refused.payload.text).toContain('WB отказал в бронировании');
    expect(buttons(refused).map((b) => b.text)).toEqual(['Кабинет WB', 'Открыть задачу']);

    after = fake.mark();
    await enqueue(user, [{ kind: 'task_failed', payload: { taskId, reason: 'quantum_flux' } }]);
    const unknown = await fake.waitFor('sendMessage', toChat(user), { after });
    expect(unknown.payload.text).toContain('SlotPilot не может продолжить эту задачу (код <code>quantum_flux</code>)');
  });

  it('a task whose dates passed is reported once, though the engine wrote no message', async () => {
    const user = newUser('en');
    await server.client(user).me.get.query();
    const em = server.orm.em.fork();
    const task = em.create(MonitoringTask, {
      user: user.id,
      kind: 'supply',
      mode: 'notify',
      criteria: { warehouseIds: [117501], boxTypeId: 2, dateFrom: '2026-01-01', dateTo: '2026-01-03', maxCoefficient: 1 },
      state: 'done',
      outcome: 'expired',
      finishedAt: new Date(),
    });
    await em.flush();
    const after = fake.mark();
    expect(await server.telegram!.endings.check()).toBeGreaterThanOrEqual(1);
    const message = await fake.waitFor('sendMessage', toChat(user), { after });
    expect(message.payload.text).toContain('Task finished');
    expect(message.payload.text).toContain('All the dates of this task have passed');
    expect(buttons(message)).toEqual([{ text: 'Open the task', web_app: { url: `${PUBLIC_URL}/tasks/${task.id}` } }]);
    await server.telegram!.endings.check();
    expect(await server.orm.em.fork().count(OutboxMessage, { user: user.id, kind: 'task_ended' })).toBe(1);
  });

  it('"credits exhausted" for a task is said once, and again once the first is an hour old; a slot alert after 5 minutes', async () => {
    const user = newUser('en');
    await server.client(user).me.get.query();
    const taskId = '00000000-0000-4000-8000-0000000000c1';
    const write = () =>
      server.orm.em.fork().transactional((em) =>
        enqueueNotification(em, {
          userId: user.id,
          kind: 'credits_exhausted',
          payload: { taskId },
          dedupeKey: `credits_exhausted:${taskId}`,
        }),
      );
    await write();
    await write();
    expect(await server.orm.em.fork().count(OutboxMessage, { user: user.id, kind: 'credits_exhausted' })).toBe(1);
    await server.orm.em
      .fork()
      .nativeUpdate(OutboxMessage, { user: user.id, kind: 'credits_exhausted' }, { createdAt: new Date(Date.now() - 61 * 60_000) });
    await write();
    expect(await server.orm.em.fork().count(OutboxMessage, { user: user.id, kind: 'credits_exhausted' })).toBe(2);

    // A slot alert's key holds 5 minutes: the same cell found again later (it closed and reopened) is news.
    const slot = { taskId, warehouseId: 117501, date: addDays(moscowToday(), 3), coefficient: 0 };
    const alert = () =>
      server.orm.em.fork().transactional((em) =>
        enqueueNotification(em, {
          userId: user.id,
          kind: 'slot_found',
          payload: slot,
          dedupeKey: `slot_found:${taskId}:117501:${slot.date}`,
        }),
      );
    await alert();
    await alert();
    expect(await server.orm.em.fork().count(OutboxMessage, { user: user.id, kind: 'slot_found' })).toBe(1);
    await server.orm.em
      .fork()
      .nativeUpdate(OutboxMessage, { user: user.id, kind: 'slot_found' }, { createdAt: new Date(Date.now() - 6 * 60_000) });
    await alert();
    expect(await server.orm.em.fork().count(OutboxMessage, { user: user.id, kind: 'slot_found' })).toBe(2);
  });
});

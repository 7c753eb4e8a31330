// Alerts open the Mini App where the seller acts (issue 17): with a main Mini App set up for the bot, slot alerts lead
// to the task's slot-found sheet and task alerts to the task through `startapp` deep links the Mini App's router
// understands; the strict fake Bot API takes them. Without a main Mini App they stay web_app buttons.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startParamPath } from '../../../miniapp/src/router/routes.ts';
import { enqueueNotification, type OutboxKind } from '../../src/notify/outbox.ts';
import { buttons, PUBLIC_URL, startBotServer } from '../bot/bot-harness.ts';
import { FakeBotApi, type TestUser } from '../bot/fake-bot-api.ts';
import type { TestServer } from '../harness/test-server.ts';

const TASK = '00000000-0000-4000-8000-00000000f001';
const OTHER_TASK = '00000000-0000-4000-8000-00000000f002';

describe('alert deep links', () => {
  let next = 7_470_000;
  const newUser = (languageCode = 'ru'): TestUser => ({ id: ++next, firstName: `Linked${next}`, languageCode });

  async function enqueue(server: TestServer, user: TestUser, kind: OutboxKind, payload: Record<string, unknown>) {
    await server.client(user).me.get.query();
    await server.orm.em.fork().transactional((em) => enqueueNotification(em, { userId: user.id, kind, payload }));
  }

  describe('a bot with a main Mini App', () => {
    let fake: FakeBotApi;
    let server: TestServer;
    beforeAll(async () => {
      fake = await FakeBotApi.start({ hasMainWebApp: true });
      server = await startBotServer(fake);
      await fake.waitFor('getMe');
    });
    afterAll(async () => {
      await server?.close();
      await fake?.close();
    });

    it('a slot alert opens the slot-found sheet of each task it matched', async () => {
      const user = newUser('en');
      const slot = { warehouseId: 117501, date: addDays(moscowToday(), 5), coefficient: 0, boxTypeId: 2 };
      const after = fake.mark();
      await server.client(user).me.get.query();
      await server.orm.em.fork().transactional(async (em) => {
        await enqueueNotification(em, { userId: user.id, kind: 'slot_found', payload: { taskId: TASK, ...slot } });
        await enqueueNotification(em, { userId: user.id, kind: 'slot_found', payload: { taskId: OTHER_TASK, ...slot } });
      });
      const message = await fake.waitFor('sendMessage', (p) => p.chat_id === user.id, { after });
      expect(message.error).toBeUndefined();
      const links = buttons(message).filter((b) => b.url?.startsWith('https://t.me/'));
      expect(links.map((b) => b.url)).toEqual([
        `https://t.me/slotpilot_test_bot?startapp=found_${TASK}`,
        `https://t.me/slotpilot_test_bot?startapp=found_${OTHER_TASK}`,
      ]);
      expect(buttons(message).some((b) => b.web_app)).toBe(false);
      // What the Mini App makes of the start parameter: the sheet of that task.
      const param = new URL(links[0]?.url ?? '').searchParams.get('startapp');
      expect(startParamPath(param)).toBe(`/tasks/${TASK}/found`);
    });

    it('a task alert opens the task, in the seller language', async () => {
      const user = newUser('ru');
      const after = fake.mark();
      await enqueue(server, user, 'task_failed', { taskId: TASK, reason: 'portal_refused' });
      const message = await fake.waitFor('sendMessage', (p) => p.chat_id === user.id, { after });
      expect(message.error).toBeUndefined();
      const open = buttons(message).find((b) => b.text === 'Открыть задачу');
      expect(open?.url).toBe(`https://t.me/slotpilot_test_bot?startapp=task_${TASK}`);
      expect(startParamPath(new URL(open?.url ?? '').searchParams.get('startapp'))).toBe(`/tasks/${TASK}`);
    });
  });

  describe('a bot without a main Mini App', () => {
    let fake: FakeBotApi;
    let server: TestServer;
    beforeAll(async () => {
      fake = await FakeBotApi.start();
      server = await startBotServer(fake);
      await fake.waitFor('getMe');
    });
    afterAll(async () => {
      await server?.close();
      await fake?.close();
    });

    it('keeps web_app buttons (a startapp link would only open the chat)', async () => {
      const user = newUser('en');
      const after = fake.mark();
      await enqueue(server, user, 'slot_found', { taskId: TASK, warehouseId: 117501, date: addDays(moscowToday(), 6), coefficient: 1 });
      const message = await fake.waitFor('sendMessage', (p) => p.chat_id === user.id, { after });
      expect(buttons(message).find((b) => b.text === 'Open the task')?.web_app?.url).toBe(`${PUBLIC_URL}/tasks/${TASK}/found`);
      expect(buttons(message).some((b) => b.url?.includes('startapp'))).toBe(false);
    });
  });
});

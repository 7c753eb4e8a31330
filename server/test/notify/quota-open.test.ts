// "Transfer limits appeared" (issue 17): the engine's `redistribution_quota_open` rows as one message per user and
// route naming every task on it, in ru and en, with buttons to the task and the redistribution screen, through the
// strict fake Bot API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { enqueueNotification } from '../../src/notify/outbox.ts';
import { buttons, PUBLIC_URL, startBotServer } from '../bot/bot-harness.ts';
import { FakeBotApi, type TestUser } from '../bot/fake-bot-api.ts';
import type { TestServer } from '../harness/test-server.ts';

const TASK_ONE = '00000000-0000-4000-8000-00000000e0a0';
const TASK_A = '00000000-0000-4000-8000-00000000e0a1';
const TASK_B = '00000000-0000-4000-8000-00000000e0b2';
const TASK_C = '00000000-0000-4000-8000-00000000e0c3';

describe('transfer limits appeared', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  let next = 7_480_000;
  const newUser = (languageCode: string): TestUser => ({ id: ++next, firstName: `Mover${next}`, languageCode });
  const toChat = (user: TestUser) => (p: Record<string, unknown>) => p.chat_id === user.id;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  /** What the engine writes (payload and key as in /tmp/brief/engine-events.md). */
  const quotaOpen = (taskId: string, over: Record<string, unknown> = {}) => ({
    taskId,
    nmId: 123456,
    chrtId: 987,
    fromWarehouseId: 507,
    fromWarehouseName: 'Коледино',
    toWarehouseId: 117986,
    toWarehouseName: 'Казань',
    availableUnits: 40,
    srcQuota: 100,
    dstQuota: 40,
    ...over,
  });
  async function enqueue(user: TestUser, payloads: Array<Record<string, unknown>>) {
    await server.orm.em.fork().transactional(async (em) => {
      for (const payload of payloads)
        await enqueueNotification(em, {
          userId: user.id,
          kind: 'redistribution_quota_open',
          payload,
          dedupeKey: `redistribution_quota_open:${String(payload.taskId)}`,
        });
    });
  }

  it('one task: the route, the article and size, what moves, in Russian, with the task and the redistribution screen', async () => {
    const user = newUser('ru');
    await server.client(user).me.get.query();
    const after = fake.mark();
    await enqueue(user, [quotaOpen(TASK_ONE, { sizeName: 'M <46>' })]);
    const message = await fake.waitFor('sendMessage', toChat(user), { after });
    expect(message.error).toBeUndefined();
    expect(message.payload.text).toBe(
      '📦 <b>Открылись лимиты на перемещение</b>\nКоледино → Казань\n' +
        'Артикул 123456, размер M &lt;46&gt; — можно переместить до <b>40</b> шт.\n' +
        'Задача сама оформит перемещение сейчас; когда WB его примет, я напишу.\nЛимиты WB быстро заканчиваются.',
    );
    expect(buttons(message)).toEqual([
      { text: 'Открыть задачу', web_app: { url: `${PUBLIC_URL}/tasks/${TASK_ONE}` } },
      { text: 'Перераспределение', web_app: { url: `${PUBLIC_URL}/redistribution` } },
    ]);
    // The same task again (a flapping quota): the key holds, nothing new.
    await enqueue(user, [quotaOpen(TASK_ONE)]);
    expect(await server.orm.em.fork().count(OutboxMessage, { user: user.id, kind: 'redistribution_quota_open' })).toBe(1);
  });

  it('two tasks on one route: one English message naming both; another route gets its own; a late third is folded', async () => {
    const user = newUser('en');
    await server.client(user).me.get.query();
    const after = fake.mark();
    await enqueue(user, [
      quotaOpen(TASK_A),
      quotaOpen(TASK_B, { nmId: 654321, availableUnits: 12, fromWarehouseName: '' }),
      quotaOpen(TASK_C, { toWarehouseId: 120762, toWarehouseName: 'Электросталь', availableUnits: 5 }),
    ]);
    await expect
      .poll(
        async () =>
          (await server.orm.em.fork().find(OutboxMessage, { user: user.id, kind: 'redistribution_quota_open' })).filter((r) => r.sentAt)
            .length,
        { timeout: 15_000 },
      )
      .toBe(3);
    const messages = fake.callsOf('sendMessage', (p) => toChat(user)(p)).filter((c) => c.index >= after);
    expect(messages).toHaveLength(2);
    const kazan = messages.find((m) => String(m.payload.text).includes('Казань'));
    expect(kazan?.payload.text).toContain('Коледино → Казань\nYour tasks on this route:\n');
    expect(kazan?.payload.text).toContain('• article 123456: up to <b>40</b> units can move');
    expect(kazan?.payload.text).toContain('• article 654321: up to <b>12</b> units can move');
    expect(kazan?.payload.text).toContain('The tasks place the transfers themselves now');
    expect(buttons(kazan!).map((b) => b.text)).toEqual(['Open the task: 123456', 'Open the task: 654321', 'Redistribution']);
    const other = messages.find((m) => String(m.payload.text).includes('Электросталь'));
    expect(other?.payload.text).toContain('Article 123456: up to <b>5</b> units can move');

    // A third task on the first route, found a moment after the message went: folded into it.
    const late = '00000000-0000-4000-8000-00000000e0d4';
    await enqueue(user, [quotaOpen(late, { nmId: 111 })]);
    await expect
      .poll(async () => (await server.orm.em.fork().findOne(OutboxMessage, { user: user.id, payload: { taskId: late } }))?.lastError, {
        timeout: 15_000,
      })
      .toMatch(/coalesced/);
    expect(fake.callsOf('sendMessage', (p) => toChat(user)(p))).toHaveLength(2);
  });
});

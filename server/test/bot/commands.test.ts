// The commands sellers expect, against the strict fake Bot API: /cancel anywhere, warehouse search in Latin letters,
// /keys with status and a delete that asks first, /bookings, /start deep links, descriptions and admin menus that only
// admins see.
import { addDays, moscowToday } from '@slotpilot/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { User } from '../../src/db/entities/user.ts';
import { SlotFeed } from '../../src/feed/slot-feed.ts';
import { sandboxControl } from '../harness/sandbox-control.ts';
import type { TestServer } from '../harness/test-server.ts';
import { buttons, PUBLIC_URL, press, roundTrip, startBotServer } from './bot-harness.ts';
import { FakeBotApi, type TestUser } from './fake-bot-api.ts';

const ADMIN: TestUser = { id: 7_470_999, firstName: 'Admin', languageCode: 'en' };

describe('bot: commands', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  let next = 7_470_000;
  const newUser = (languageCode = 'en'): TestUser => ({ id: ++next, firstName: `Cmd${next}`, languageCode });
  const ask = (from: TestUser, text: string) => roundTrip(fake, fake.message(from, text), 'sendMessage', (p) => p.chat_id === from.id);

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake, { ADMIN_IDS: String(ADMIN.id) });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('describes the bot in both languages; admin commands appear in admin chats only', async () => {
    await fake.waitFor('getUpdates');
    expect(fake.callsOf('setMyDescription').map((c) => c.payload.language_code ?? 'default')).toEqual(['default', 'en']);
    expect(fake.callsOf('setMyShortDescription').map((c) => c.payload.short_description)).toEqual([
      'Ловлю слоты поставки на склады Wildberries и бронирую их за вас.',
      'I catch delivery slots at Wildberries warehouses and book them for you.',
    ]);
    const menus = fake.callsOf('setMyCommands');
    const names = (i: number) => menus[i]!.payload.commands.map((c: { command: string }) => c.command);
    for (const i of [0, 1]) {
      expect(names(i)).toEqual(expect.arrayContaining(['cancel', 'bookings', 'keys', 'paysupport', 'terms', 'privacy']));
      expect(names(i)).not.toContain('inspect');
    }
    const admin = menus.find((m) => m.payload.scope?.type === 'chat');
    expect(admin?.payload.scope).toEqual({ type: 'chat', chat_id: ADMIN.id });
    expect(admin?.payload.commands.map((c: { command: string }) => c.command)).toEqual(expect.arrayContaining(['inspect', 'refund']));

    const user = newUser();
    expect((await ask(user, '/inspect 00000000-0000-0000-0000-000000000000')).payload.text).toBe(
      'I did not get that. What I can do: /help',
    );
  });

  it('/cancel ends a /new draft anywhere; its buttons then say so; without one it says there is nothing to cancel', async () => {
    const user = newUser();
    expect((await ask(user, '/cancel')).payload.text).toBe('There is nothing to cancel right now. What I can do: /help');
    const draft = await ask(user, '/new');
    const after = fake.mark();
    expect((await ask(user, '/cancel')).payload.text).toBe('Cancelled. What next: /help');
    const edited = await fake.waitFor('editMessageText', (p) => p.message_id === draft.result?.message_id, { after });
    expect(edited.payload.text).toBe('Task creation cancelled.');
    const { answer } = await press(fake, user, 'wh:pick:507', draft.result?.message_id as number);
    expect(answer.payload.text).toBe('This task draft has expired. Start again: /new');
  });

  it('finds warehouses typed in Latin letters (the English prompt suggests "Koledino")', async () => {
    const user = newUser();
    const draft = await ask(user, '/new');
    expect(draft.payload.text).toContain('"Koledino"');
    const after = fake.mark();
    const found = await ask(user, 'koledino');
    expect(found.payload.text).toBe('Warehouses matching "koledino": pick one.');
    expect(buttons(found)[0]).toEqual({ text: 'Коледино', callback_data: 'wh:pick:507' });
    // The first draft message's buttons are taken away, not left to go stale.
    const cleared = await fake.waitFor('editMessageReplyMarkup', (p) => p.message_id === draft.result?.message_id, { after });
    expect(cleared.payload.reply_markup).toBeUndefined();
    expect(buttons(await ask(user, 'Podolsk')).map((b) => b.text)).toContain('Подольск');
  });

  it('/keys lists the keys with their status, and deleting one asks first', async () => {
    const user = newUser();
    const empty = await ask(user, '/keys');
    expect(empty.payload.text).toMatch(/^No WB keys yet/);
    expect(buttons(empty)).toEqual([{ text: 'Add a key in the app', web_app: { url: `${PUBLIC_URL}/keys` } }]);

    const seller = await sandboxControl(server.sandboxUrl).createSeller({ name: 'ООО Ключ', captcha: false });
    const key = await server.client(user).keys.add.mutate({ kind: 'portal_session', name: 'Main cabinet', secret: seller.portalSession });
    const list = await ask(user, '/keys');
    expect(list.payload.text).toContain('<b>Your WB keys</b> (1):');
    expect(list.payload.text).toMatch(/<b>Main cabinet<\/b> — portal session, ООО Ключ \(<code>[^<]+<\/code>\): (✅ working|⚠️ expires)/);
    expect(list.payload.text).not.toContain(seller.portalSession);
    const messageId = list.result?.message_id as number;
    expect(buttons(list)[0]).toEqual({ text: '🗑 Delete "Main cabinet"', callback_data: `key:del:${key.id}` });

    let step = await press(fake, user, `key:del:${key.id}`, messageId);
    const confirm = await step.edited();
    expect(confirm.payload.text).toMatch(/^Delete the key "Main cabinet"\?/);
    expect(buttons(confirm).map((b) => b.callback_data)).toEqual([`key:delok:${key.id}`, 'key:list']);
    expect(await server.client(user).keys.list.query()).toHaveLength(1);

    step = await press(fake, user, `key:delok:${key.id}`, messageId);
    expect(step.answer.payload.text).toBe('The key is deleted.');
    expect(await server.client(user).keys.list.query()).toHaveLength(0);
    // Someone else's key id (or one deleted already) deletes nothing.
    const again = await press(fake, user, `key:del:${key.id}`, messageId);
    expect(again.answer.payload.text).toBe('This menu is out of date. Open it again.');
  });

  it('/bookings says there are none yet', async () => {
    const user = newUser('ru');
    expect((await ask(user, '/bookings')).payload.text).toMatch(/^Броней и перемещений пока нет/);
  });

  it('/start deep links open the screen they name after the welcome', async () => {
    const user = newUser();
    const after = fake.mark();
    await ask(user, '/start buy');
    const packs = await fake.waitFor('sendMessage', (p) => p.chat_id === user.id && /Choose a pack/.test(p.text), { after });
    expect(buttons(packs).map((b) => b.callback_data)).toEqual(['buy:pack-5', 'buy:pack-10', 'buy:pack-25']);

    const { id } = await server.client(user).tasks.create.mutate({
      kind: 'supply',
      mode: 'notify',
      warehouseIds: [117501],
      boxTypeId: 5,
      dateFrom: addDays(moscowToday(), 2),
      dateTo: addDays(moscowToday(), 4),
      maxCoefficient: 0,
    });
    const mark = fake.mark();
    await ask(user, `/start task-${id}`);
    const link = await fake.waitFor('sendMessage', (p) => p.chat_id === user.id && /from the link/.test(p.text), { after: mark });
    expect(buttons(link)).toEqual([{ text: 'Open the task', web_app: { url: `${PUBLIC_URL}/tasks/${id}` } }]);

    // Someone else's task, or nonsense: just the welcome.
    const stranger = newUser();
    const before = fake.mark();
    await ask(stranger, `/start task-${id}`);
    await ask(stranger, '/help');
    expect(fake.callsOf('sendMessage', (p) => p.chat_id === stranger.id).filter((c) => c.index >= before)).toHaveLength(2);
  });

  it('/language is stored per user: it outlives the Telegram profile language, reaches notifications, and can follow it again', async () => {
    const user = newUser('ru');
    const menu = await ask(user, '/language');
    expect(menu.payload.text).toBe('Язык бота и уведомлений сейчас: Как в Telegram. Выберите:');
    const messageId = menu.result?.message_id as number;
    let step = await press(fake, user, 'lang:en', messageId);
    expect((await step.edited()).payload.text).toBe('Done: I now speak English. Change it: /language');
    const chatMenu = await fake.waitFor('setMyCommands', (p) => p.scope?.chat_id === user.id);
    expect(chatMenu.payload.commands[0]).toEqual({ command: 'new', description: 'New task' });
    // The profile still says Russian: the bot keeps to the choice, and so does the stored user (notifications).
    expect((await ask(user, '/frobnicate')).payload.text).toBe('I did not get that. What I can do: /help');
    expect((await server.orm.em.fork().findOneOrFail(User, user.id)).language).toBe('en');

    step = await press(fake, user, 'lang:auto', messageId);
    expect((await step.edited()).payload.text).toBe('Готово: теперь я говорю на языке «русский». Сменить: /language');
    await fake.waitFor('deleteMyCommands', (p) => p.scope?.chat_id === user.id);
    expect((await ask(user, '/frobnicate')).payload.text).toBe('Не понял. Что я умею: /help');

    // The Mini App shares the choice.
    expect(await server.client(user).me.setLanguage.mutate({ language: 'en' })).toEqual({ language: 'en' });
    expect((await server.client(user).me.get.query()).language).toBe('en');
    expect((await ask(user, '/frobnicate')).payload.text).toBe('I did not get that. What I can do: /help');
  });

  it('/new offers only the box types the warehouse accepts', async () => {
    const user = newUser();
    // WB's picture of Koledino lists boxes only (as for a warehouse that takes no pallets).
    const original = SlotFeed.prototype.read;
    const spy = vi.spyOn(SlotFeed.prototype, 'read').mockImplementation(async function (this: SlotFeed, ids, options) {
      if (ids.length !== 1 || ids[0] !== 507) return original.call(this, ids, options);
      const cell = { date: addDays(moscowToday(), 1), boxTypeId: 2, coefficient: 1, allowUnload: true };
      return new Map([
        [
          507,
          {
            warehouseId: 507,
            warehouseName: 'Коледино',
            fetchedAt: Date.now(),
            source: 'portal',
            freshUntil: Date.now() + 60_000,
            cells: [cell],
          },
        ],
      ]);
    });
    try {
      const draft = await ask(user, '/new');
      const found = await ask(user, 'Koledino');
      const step = await press(fake, user, 'wh:pick:507', found.result?.message_id as number);
      const boxes = await step.edited();
      expect(buttons(boxes).filter((b) => b.callback_data?.startsWith('box:'))).toEqual([{ text: 'Boxes', callback_data: 'box:2' }]);
      // A forged press on a type it does not take changes nothing.
      const forged = await press(fake, user, 'box:5', found.result?.message_id as number);
      expect(forged.answer.payload.text).toBe('This warehouse does not accept this box type.');
      expect(draft.error).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
  });

  it('/new watches several warehouses in one task: "another warehouse" at the box step', async () => {
    const user = newUser();
    await ask(user, '/new');
    const found = await ask(user, 'Koledino');
    const messageId = found.result?.message_id as number;
    let step = await press(fake, user, 'wh:pick:507', messageId);
    const boxes = await step.edited();
    expect(buttons(boxes).map((b) => b.callback_data)).toContain('new:add');

    step = await press(fake, user, 'new:add', messageId);
    expect((await step.edited()).payload.text).toContain('Already chosen: Коледино. Add one more warehouse.');
    let mark = fake.mark();
    await press(fake, user, 'wh:pick:117501', messageId);
    const two = await fake.waitFor('editMessageText', (p) => p.message_id === messageId, { after: mark });
    expect(two.payload.text).toContain('Warehouse: Коледино, Подольск');

    await press(fake, user, 'box:2', messageId);
    await press(fake, user, 'coef:1', messageId);
    const [y, m, d] = addDays(moscowToday(), 3).split('-').map(Number);
    await press(fake, user, `cal:pick:${y}:${m}:${d}`, messageId);
    mark = fake.mark();
    await press(fake, user, `cal:done:${y}:${m}:0`, messageId);
    const created = await fake.waitFor('editMessageText', (p) => p.message_id === messageId && /Task created/.test(p.text), {
      after: mark,
    });
    expect(created.payload.text).toMatch(/^✅ Task created: Коледино, Подольск · Boxes · up to x1/);
    const tasks = await server.client(user).tasks.list.query();
    expect(tasks.map((t) => (t.criteria as { warehouseIds: number[] }).warehouseIds)).toEqual([[507, 117501]]);
  });
});

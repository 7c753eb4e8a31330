// The fake Bot API refuses what Telegram refuses, and the bot stays within it: long texts split (or cut, for an
// edit) at the edge into valid HTML, a long search echoed in bounds, a 4,100-character notification delivered, and
// Mini App buttons left out when there is no https address for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitHtml, truncateHtml, visibleLength } from '../../src/bot/message-limits.ts';
import { OutboxMessage } from '../../src/db/entities/outbox-message.ts';
import { enqueueNotification } from '../../src/notify/outbox.ts';
import type { TestServer } from '../harness/test-server.ts';
import { buttons, newBotToken, roundTrip, startBotServer } from './bot-harness.ts';
import { FakeBotApi, type Payload, parseHtml, type TestUser } from './fake-bot-api.ts';

describe('the strict fake Bot API', () => {
  let fake: FakeBotApi;
  beforeAll(async () => {
    fake = await FakeBotApi.start();
  });
  afterAll(async () => {
    await fake?.close();
  });

  async function call(method: string, payload: Payload): Promise<Payload> {
    const response = await fetch(`${fake.url}/bot1:token/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    return (await response.json()) as Payload;
  }

  it('refuses what Telegram refuses', async () => {
    const send = (text: string, extra: Payload = {}) => call('sendMessage', { chat_id: 1, text, parse_mode: 'HTML', ...extra });
    expect(await send('x'.repeat(4096))).toMatchObject({ ok: true });
    expect(await send('x'.repeat(4097))).toMatchObject({ ok: false, error_code: 400, description: 'Bad Request: message is too long' });
    // Entities count as one character, tags as none.
    expect(await send(`<b>${'&amp;'.repeat(4096)}</b>`)).toMatchObject({ ok: true });
    for (const broken of ['<b>open', 'a < b', '<div>x</div>', '<b><i>x</b></i>', 'fish & chips', '&nbsp;'])
      expect(await send(broken)).toMatchObject({ ok: false, description: expect.stringMatching(/^Bad Request: can't parse entities/) });
    expect(await send('fish & chips', { parse_mode: undefined })).toMatchObject({ ok: true });

    const keyboard = (button: Payload) => ({ reply_markup: { inline_keyboard: [[{ text: 'B', ...button }]] } });
    expect(await send('k', keyboard({ callback_data: 'x'.repeat(64) }))).toMatchObject({ ok: true });
    expect(await send('k', keyboard({ callback_data: 'я'.repeat(33) }))).toMatchObject({ description: 'Bad Request: BUTTON_DATA_INVALID' });
    expect(await send('k', keyboard({ web_app: { url: 'http://localhost:3000/' } }))).toMatchObject({
      ok: false,
      description: expect.stringMatching(/Only HTTPS links are allowed/),
    });
    expect(await call('setChatMenuButton', { menu_button: { type: 'web_app', text: 'A', web_app: { url: 'http://x/' } } })).toMatchObject({
      ok: false,
    });

    const sent = await send('same', keyboard({ callback_data: 'a' }));
    const edit = (text: string, data: string) =>
      call('editMessageText', {
        chat_id: 1,
        message_id: sent.result.message_id,
        text,
        parse_mode: 'HTML',
        ...keyboard({ callback_data: data }),
      });
    expect(await edit('same', 'a')).toMatchObject({
      ok: false,
      description: expect.stringMatching(/^Bad Request: message is not modified/),
    });
    expect(await edit('same', 'b')).toMatchObject({ ok: true });
    expect(await edit('other', 'b')).toMatchObject({ ok: true });

    expect(await call('answerCallbackQuery', { callback_query_id: 'q1' })).toMatchObject({ ok: true });
    expect(await call('answerCallbackQuery', { callback_query_id: 'q1', text: 'again' })).toMatchObject({
      ok: false,
      description: 'Bad Request: query is too old and response timeout expired or query ID is invalid',
    });
  });
});

describe('texts bounded at the edge', () => {
  const valid = (html: string) => {
    const parsed = parseHtml(html);
    expect(parsed).not.toHaveProperty('error');
    return 'text' in parsed ? parsed.text : '';
  };

  it('splits long HTML into valid parts at line breaks, tags closed and reopened, nothing lost', () => {
    const line = (i: number) => `${i}. <b>Коледино</b> · <i>короба &amp; паллеты</i> — <a href="https://x.example/${i}">ссылка</a>`;
    const html = `<b>Задачи</b>\n${Array.from({ length: 120 }, (_, i) => line(i)).join('\n')}`;
    expect(visibleLength(html)).toBeGreaterThan(4096);
    const parts = splitHtml(html);
    expect(parts.length).toBeGreaterThan(1);
    const texts = parts.map((part) => valid(part));
    for (const text of texts) expect(text.length).toBeLessThanOrEqual(4096);
    expect(texts.join('')).toBe(valid(html));
    // Every part but the last ends at a line break.
    for (const text of texts.slice(0, -1)) expect(text.endsWith('\n')).toBe(true);

    // One tag around everything, no line breaks at all: still valid parts.
    const wall = `<code>${'w'.repeat(9_000)}</code>`;
    const wallParts = splitHtml(wall);
    expect(wallParts).toHaveLength(3);
    expect(wallParts.map((p) => valid(p)).join('')).toBe('w'.repeat(9_000));

    const cut = truncateHtml(wall, 100);
    expect(valid(cut)).toBe(`${'w'.repeat(99)}…`);
  });
});

describe('bot: long texts and buttons against the strict fake', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  const user: TestUser = { id: 7_450_001, firstName: 'Long', languageCode: 'en' };

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('a 4,200-character warehouse search is answered, not "something went wrong"', async () => {
    const draft = await roundTrip(fake, fake.message(user, '/new'), 'sendMessage', (p) => p.chat_id === user.id);
    expect(draft.error).toBeUndefined();
    const reply = await roundTrip(fake, fake.message(user, 'Коледино '.repeat(470)), 'sendMessage', (p) => p.chat_id === user.id);
    expect(reply.error).toBeUndefined();
    expect(reply.payload.text).toMatch(/^No warehouse matches "Коледино Коледино .*…"/s);
    expect(buttons(reply).at(-1)?.callback_data).toBe('new:cancel');
  });

  it('a 4,100-character notification is delivered in two messages, the buttons under the last', async () => {
    await server.client(user).me.get.query();
    const reason = `WB says: ${'the key was revoked because of too many requests; '.repeat(80)}`.slice(0, 4_100);
    const after = fake.mark();
    await server.orm.em.fork().transactional((em) =>
      enqueueNotification(em, {
        userId: user.id,
        kind: 'credential_invalid',
        payload: { credentialId: '00000000-0000-4000-8000-000000000001', name: 'Main', kind: 'api_token', reason },
      }),
    );
    const row = async () => server.orm.em.fork().findOneOrFail(OutboxMessage, { user: user.id, kind: 'credential_invalid' });
    await expect.poll(async () => (await row()).sentAt, { timeout: 20_000 }).toBeInstanceOf(Date);
    const messages = fake.callsOf('sendMessage', (p) => p.chat_id === user.id).filter((c) => c.index >= after);
    expect(messages).toHaveLength(2);
    expect(messages.every((m) => m.error === undefined)).toBe(true);
    expect(messages[0]?.payload.reply_markup).toBeUndefined();
    expect(buttons(messages[1]!).map((b) => b.text)).toEqual(['Open keys']);
    expect((await row()).failedAt).toBeNull();
  });
});

describe('bot: no https address for the Mini App', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  beforeAll(async () => {
    fake = await FakeBotApi.start();
    // Development without a tunnel: the Mini App is at http://localhost, which Telegram would refuse as a Web App.
    server = await startBotServer(fake, { BOT_TOKEN: newBotToken(), PUBLIC_URL: '' });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('leaves the Mini App buttons out, so the messages still go', async () => {
    const user: TestUser = { id: 7_450_101, firstName: 'Dev', languageCode: 'en' };
    const welcome = await roundTrip(fake, fake.message(user, '/start'), 'sendMessage', (p) => p.chat_id === user.id);
    expect(welcome.error).toBeUndefined();
    expect(welcome.payload.text).toContain('Hello, Dev!');
    expect(buttons(welcome)).toEqual([]);
    const keys = await roundTrip(fake, fake.message(user, '/keys'), 'sendMessage', (p) => p.chat_id === user.id);
    expect(keys.error).toBeUndefined();
    expect(fake.callsOf('setChatMenuButton')).toEqual([]);
    expect(server.logs.events().some((e) => e.event === 'bot.miniapp_not_https')).toBe(true);
  });
});

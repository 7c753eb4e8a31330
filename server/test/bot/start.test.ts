// /start, /help, /keys against a fake Bot API over HTTP, with the bot long-polling it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestServer } from '../harness/test-server.ts';
import { buttons, PUBLIC_URL, roundTrip, startBotServer } from './bot-harness.ts';
import { FakeBotApi } from './fake-bot-api.ts';

describe('bot: start, help, keys', () => {
  let fake: FakeBotApi;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  it('describes itself to Telegram on start: commands in both languages and the Mini App menu button', async () => {
    await fake.waitFor('getUpdates');
    expect(fake.callsOf('setMyCommands').map((c) => c.payload.language_code ?? 'default')).toEqual(['default', 'en']);
    expect(fake.callsOf('setChatMenuButton')[0]?.payload.menu_button).toEqual({
      type: 'web_app',
      text: 'SlotPilot',
      web_app: { url: `${PUBLIC_URL}/` },
    });
  });

  it('/start welcomes the user with their free bookings and a button that opens the Mini App', async () => {
    const user = { id: 7_100_001, firstName: 'Анна', languageCode: 'ru' };
    const reply = await roundTrip(fake, fake.message(user, '/start'));
    expect(reply.payload.chat_id).toBe(user.id);
    expect(reply.payload.text).toContain('Здравствуйте, Анна!');
    expect(reply.payload.text).toContain('бесплатных — <b>2</b>');
    expect(buttons(reply)).toEqual([{ text: 'Открыть SlotPilot', web_app: { url: `${PUBLIC_URL}/` } }]);
    const menu = await fake.waitFor('setChatMenuButton', (p) => p.chat_id === user.id);
    expect(menu.payload.menu_button).toMatchObject({ type: 'web_app', web_app: { url: `${PUBLIC_URL}/` } });
    // The user now exists with the trial credits, as if they had opened the Mini App.
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
  });

  it('speaks English to English-language users; /help lists the commands; /keys without keys points to the app', async () => {
    const user = { id: 7_100_002, firstName: 'John', languageCode: 'en-GB' };
    const welcome = await roundTrip(fake, fake.message(user, '/start'));
    expect(welcome.payload.text).toContain('Hello, John!');
    expect(buttons(welcome)[0]?.text).toBe('Open SlotPilot');

    const help = await roundTrip(fake, fake.message(user, '/help'));
    for (const command of ['/new', '/tasks', '/buy', '/keys']) expect(help.payload.text).toContain(command);

    const keys = await roundTrip(fake, fake.message(user, '/keys'));
    expect(buttons(keys)).toEqual([{ text: 'Add a key in the app', web_app: { url: `${PUBLIC_URL}/keys` } }]);

    for (const text of ['/frobnicate', 'hello?'])
      expect((await roundTrip(fake, fake.message(user, text))).payload.text).toBe('I did not get that. What I can do: /help');
  });

  it('admin commands do not announce themselves to everyone else', async () => {
    const user = { id: 7_100_003, firstName: 'Eve', languageCode: 'en' };
    const reply = await roundTrip(fake, fake.message(user, '/inspect 00000000-0000-0000-0000-000000000000'));
    expect(reply.payload.text).toBe('I did not get that. What I can do: /help');
  });
});

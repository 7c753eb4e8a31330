// Settings' "send a test alert" (issue 16) through the real outbox and bot, against the strict fake Bot API: the message
// arrives and the API says so; once a minute; a user the bot may not write to is told apart from a delivered one. Also
// the language the user chose, shared by the Mini App and the bot's /language.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBotServer } from '../bot/bot-harness.ts';
import { BLOCKED, FakeBotApi, type TestUser } from '../bot/fake-bot-api.ts';
import type { TestServer } from '../harness/test-server.ts';
import { failure } from '../harness/trpc-failure.ts';

describe('test alert and the chosen language', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  let next = 7_480_000;
  const newUser = (languageCode = 'ru'): TestUser => ({ id: ++next, firstName: `Seller${next}`, languageCode });

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  /** The test alert's state once it is no longer pending: the row changes in the database, which has no event to await. */
  async function settled(user: TestUser, id: number) {
    const state = () =>
      server
        .client(user)
        .me.testAlert.query({ id })
        .then((answer) => answer.state);
    await expect.poll(state, { timeout: 20_000, interval: 200 }).not.toBe('pending');
    return state();
  }

  it('sends a test alert in the user’s language, once a minute', async () => {
    const user = newUser('ru');
    const after = fake.mark();
    const { id } = await server.client(user).me.sendTestAlert.mutate();
    const sent = await fake.waitFor('sendMessage', (p) => p.chat_id === user.id, { after });
    expect(sent.payload.text).toContain('Тестовое оповещение SlotPilot');
    expect(await settled(user, id)).toBe('sent');

    const error = await failure(server.client(user).me.sendTestAlert.mutate());
    expect(error.data?.appCode).toBe('TEST_ALERT_TOO_SOON');
    expect(error.message).toMatch(/раз в минуту\. Подождите \d+ с\./);
    // Someone else's alert is not theirs to read.
    expect((await failure(server.client(newUser()).me.testAlert.query({ id }))).data?.appCode).toBe('NOT_FOUND');
  });

  it('tells a user the bot may not write to apart from a delivered alert', async () => {
    const user = newUser('en');
    fake.fail('sendMessage', BLOCKED, { when: (p) => p.chat_id === user.id });
    const { id } = await server.client(user).me.sendTestAlert.mutate();
    expect(await settled(user, id)).toBe('unreachable');
  });

  it('returns the chosen language, null while the user follows Telegram', async () => {
    const user = newUser('ru');
    expect(await server.client(user).me.get.query()).toMatchObject({ language: 'ru', chosenLanguage: null });
    await server.client(user).me.setLanguage.mutate({ language: 'en' });
    expect(await server.client(user).me.get.query()).toMatchObject({ language: 'en', chosenLanguage: 'en' });
    await server.client(user).me.setLanguage.mutate({ language: null });
    expect(await server.client(user).me.get.query()).toMatchObject({ language: 'ru', chosenLanguage: null });
  });
});

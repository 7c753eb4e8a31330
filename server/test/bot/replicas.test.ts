// Two instances of one bot sharing Postgres and Redis in polling mode: only the lease holder long-polls (Telegram
// allows one getUpdates consumer), so every update is answered once; when it stops, the other takes over.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../harness/database.ts';
import type { TestServer } from '../harness/test-server.ts';
import { newBotToken, roundTrip, startBotServer } from './bot-harness.ts';
import { FakeBotApi } from './fake-bot-api.ts';

describe('bot: two replicas, long polling', () => {
  let fake: FakeBotApi;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    const env = { BOT_TOKEN: newBotToken(), DATABASE_URL: await createTestDatabase(), REDIS_URL: inject('redisUrl') };
    servers.push(await startBotServer(fake, env), await startBotServer(fake, env));
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await fake?.close();
  });

  it('answers each update once, and keeps answering after the polling instance stops', async () => {
    const user = { id: 7_900_001, firstName: 'Twice', languageCode: 'en' };
    for (const command of ['/start', '/help', '/keys']) {
      const after = fake.mark();
      await roundTrip(fake, fake.message(user, command));
      // The update after it is answered too, so any second answer to this one would have been made by now.
      await roundTrip(fake, fake.message(user, '/help'));
      const replies = fake.calls.slice(after).filter((c) => c.method === 'sendMessage' && c.payload.chat_id === user.id);
      expect(replies).toHaveLength(2);
    }

    const polling = servers.find((s) => s.logs.events().some((e) => e.event === 'bot.polling'));
    expect(servers.filter((s) => s.logs.events().some((e) => e.event === 'bot.polling'))).toHaveLength(1);
    await polling!.close();
    servers.splice(servers.indexOf(polling!), 1);
    const reply = await roundTrip(fake, fake.message(user, '/start'));
    expect(reply.payload.text).toContain('Hello, Twice!');
    expect(servers[0]!.logs.events().some((e) => e.event === 'bot.polling')).toBe(true);
  });
});

// The real server with its bot pointed at a fake Bot API: what the bot and notification tests start.
import { randomInt } from 'node:crypto';
import type { StartOptions } from '../../src/server.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import type { FakeBotApi, Payload, RecordedCall, TestUser } from './fake-bot-api.ts';

export const PUBLIC_URL = 'https://slotpilot.example';

/** A fresh bot token: its numeric id namespaces the bot's leases and sessions in a Redis other test files share. */
export function newBotToken(): string {
  return `${randomInt(100_000_000, 999_999_999)}:TEST-fake-bot-api-${randomInt(1e9)}-token`;
}

export function startBotServer(fake: FakeBotApi, env: Record<string, string> = {}, monitor?: StartOptions['monitor']): Promise<TestServer> {
  return startTestServer(
    {
      BOT_TOKEN: env.BOT_TOKEN ?? newBotToken(),
      TELEGRAM_API_ROOT: fake.url,
      PUBLIC_URL,
      ...env,
    },
    monitor,
  );
}

/** Send an update to the bot and wait for its `method` call in answer. */
export async function roundTrip(
  fake: FakeBotApi,
  update: Payload,
  method = 'sendMessage',
  when: (payload: Payload) => boolean = () => true,
): Promise<RecordedCall> {
  const after = fake.mark();
  fake.push(update);
  return fake.waitFor(method, when, { after });
}

/** Every button of an inline keyboard, row by row flattened. */
export function buttons(call: RecordedCall): Array<{ text: string; callback_data?: string; url?: string; web_app?: { url: string } }> {
  return (call.payload.reply_markup?.inline_keyboard ?? []).flat();
}

/** Tap an inline button: waits for the bot's answer to the callback query (and returns the calls made after the tap). */
export async function press(
  fake: FakeBotApi,
  user: TestUser,
  data: string,
  messageId: number,
): Promise<{ answer: RecordedCall; edited: () => Promise<RecordedCall> }> {
  const update = fake.callback(user, data, messageId);
  const after = fake.mark();
  fake.push(update);
  const answer = await fake.waitFor('answerCallbackQuery', (p) => p.callback_query_id === update.callback_query.id, { after });
  return { answer, edited: () => fake.waitFor('editMessageText', (p) => p.message_id === messageId, { after }) };
}

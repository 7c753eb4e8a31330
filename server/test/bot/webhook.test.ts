// Webhook mode: the bot registers POST /telegram/webhook with Telegram, the route checks the secret token, and updates
// posted to it are handled (outside the tRPC plugin's scope, so the JSON body parser is Fastify's own).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BillingService } from '../../src/accounts/billing-service.ts';
import type { TestServer } from '../harness/test-server.ts';
import { PUBLIC_URL, startBotServer } from './bot-harness.ts';
import { FakeBotApi, type Payload } from './fake-bot-api.ts';

const SECRET = 'webhook-secret-0123456789';

describe('bot: webhook mode', () => {
  let fake: FakeBotApi;
  let server: TestServer;
  let updateId = 1;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake, { BOT_MODE: 'webhook', BOT_WEBHOOK_SECRET: SECRET });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  const post = (update: Payload, secret?: string) =>
    fetch(`${server.url}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
      body: JSON.stringify({ update_id: updateId++, ...update }),
    });

  it('registers the webhook with its secret and never long-polls', async () => {
    const registered = await fake.waitFor('setWebhook');
    expect(registered.payload).toMatchObject({
      url: `${PUBLIC_URL}/telegram/webhook`,
      secret_token: SECRET,
      allowed_updates: ['message', 'callback_query', 'pre_checkout_query'],
    });
    expect(fake.callsOf('getUpdates')).toEqual([]);
  });

  it('refuses updates without the right secret, handles those with it', async () => {
    const user = { id: 7_800_001, firstName: 'Hook', languageCode: 'en' };
    const before = fake.mark();
    expect((await post(fake.message(user, '/start'))).status).toBe(401);
    expect((await post(fake.message(user, '/start'), 'not-the-secret-at-all')).status).toBe(401);
    expect(fake.calls.slice(before).filter((c) => c.method === 'sendMessage')).toEqual([]);

    const response = await post(fake.message(user, '/start'), SECRET);
    expect(response.status).toBe(200);
    const reply = await fake.waitFor('sendMessage', (p) => p.chat_id === user.id, { after: before });
    expect(reply.payload.text).toContain('Hello, Hook!');
  });

  it('answers pre-checkout before the webhook request returns, and credits a payment posted twice at once only once', async () => {
    const user = { id: 7_800_002, firstName: 'Payer', languageCode: 'en' };
    const after = fake.mark();
    const checkout = await post(fake.preCheckout(user, 'v1:pack-5:5:250', 250), SECRET);
    expect(checkout.status).toBe(200);
    expect(
      fake
        .callsOf('answerPreCheckoutQuery')
        .filter((c) => c.index >= after)
        .map((c) => c.payload.ok),
    ).toEqual([true]);

    const payment = fake.successfulPayment(user, 'v1:pack-5:5:250', 250, 'charge-webhook-1');
    const answers = await Promise.all([post(payment, SECRET), post(payment, SECRET)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const me = await server.client(user).me.get.query();
    expect(me.credits).toEqual({ trial: 2, paid: 5 });
    expect(fake.callsOf('sendMessage', (p) => p.chat_id === user.id && /added/.test(p.text))).toHaveLength(1);
  });

  it('a payment whose handler crashed is answered with an error, so Telegram delivers it again, and then credited', async () => {
    const user = { id: 7_800_003, firstName: 'Retry', languageCode: 'en' };
    await post(fake.message(user, '/start'), SECRET);
    const crash = vi.spyOn(BillingService.prototype, 'recordPayment').mockRejectedValueOnce(new Error('connection terminated'));
    const payment = fake.successfulPayment(user, 'v1:pack-5:5:250', 250, 'charge-webhook-crash');
    const first = await post(payment, SECRET);
    crash.mockRestore();
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 0 });
    expect(fake.callsOf('sendMessage', (p) => p.chat_id === user.id && /Your Stars are not lost/.test(p.text))).toHaveLength(1);

    // Telegram's redelivery.
    expect((await post(payment, SECRET)).status).toBe(200);
    expect((await server.client(user).me.get.query()).credits).toEqual({ trial: 2, paid: 5 });
  });
});

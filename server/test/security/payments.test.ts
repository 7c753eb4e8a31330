// successful_payment credits only a pack on sale, in Telegram Stars, for exactly its price (issue 14): a payload,
// currency or amount that does not match is recorded without credits, logged and refunded once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Payment } from '../../src/db/entities/payment.ts';
import { User } from '../../src/db/entities/user.ts';
import { roundTrip, startBotServer } from '../bot/bot-harness.ts';
import { FakeBotApi, type TestUser } from '../bot/fake-bot-api.ts';
import type { TestServer } from '../harness/test-server.ts';

describe('payments that do not match a pack', () => {
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

  const buyer = (n: number): TestUser => ({ id: 9_300_000 + n, firstName: `Payer${n}`, languageCode: 'en' });
  const paid = async (id: number) => (await server.orm.em.fork().findOneOrFail(User, id)).paidCredits;

  it.each([
    ['a pack at a price it never had', 'v1:pack-25:25:1', 1, 'XTR'],
    ['a pack that does not exist', 'v1:pack-999:999:1', 1, 'XTR'],
    ['a real pack paid in another currency', 'v1:pack-5:5:250', 250, 'USD'],
    ['a real pack for less than its price', 'v1:pack-5:5:250', 249, 'XTR'],
    ['a payload we never wrote', 'free credits please', 250, 'XTR'],
  ])('%s: nothing credited, refunded once, the buyer told', async (_name, payload, amount, currency) => {
    const user = buyer(Math.floor(Math.random() * 1_000_000));
    await roundTrip(fake, fake.message(user, '/start'));
    const chargeId = `forged-${crypto.randomUUID()}`;
    const update = fake.successfulPayment(user, payload, amount, chargeId);
    update.message.successful_payment.currency = currency;
    const after = fake.mark();
    const reply = await roundTrip(fake, update);
    expect(reply.payload.text).toContain('did not match a pack on sale');
    expect(await paid(user.id)).toBe(0);
    const refunds = fake.callsOf('refundStarPayment').filter((c) => c.index >= after);
    expect(refunds.map((c) => c.payload)).toEqual([{ user_id: user.id, telegram_payment_charge_id: chargeId }]);
    const row = await server.orm.em.fork().findOneOrFail(Payment, { telegramChargeId: chargeId });
    expect(row).toMatchObject({ credits: 0, status: 'refunded' });
    expect(server.logs.events().some((e) => e.event === 'billing.payment_refused' && e.chargeId === chargeId)).toBe(true);

    // Telegram delivers the same update again: no second refund, still nothing credited.
    const again = fake.mark();
    fake.push(fake.successfulPayment(user, payload, amount, chargeId));
    await roundTrip(fake, fake.message(user, '/start'));
    expect(fake.callsOf('refundStarPayment').filter((c) => c.index >= again)).toEqual([]);
    expect(await paid(user.id)).toBe(0);
  });
});

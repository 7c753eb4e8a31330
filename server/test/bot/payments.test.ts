// Telegram Stars: packs and invoice links over tRPC, the /buy invoice, pre-checkout checks, crediting a payment once
// however often Telegram delivers it, and admins' refunds (whole and partial) with the ledger.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { TRPCClientError } from '@trpc/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BillingService } from '../../src/accounts/billing-service.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { Payment } from '../../src/db/entities/payment.ts';
import { User } from '../../src/db/entities/user.ts';
import { startTestServer, TEST_BOT_TOKEN, type TestServer } from '../harness/test-server.ts';
import { buttons, press, roundTrip, startBotServer } from './bot-harness.ts';
import { FakeBotApi, type TestUser } from './fake-bot-api.ts';

const ADMIN = { id: 7_400_000, firstName: 'Admin', languageCode: 'en' };

async function errorOf(promise: Promise<unknown>): Promise<TRPCClientError<never>> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  return error as TRPCClientError<never>;
}

describe('bot: Telegram Stars payments', () => {
  let fake: FakeBotApi;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake, { ADMIN_IDS: String(ADMIN.id) });
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
  });

  const user = (n: number, languageCode = 'en'): TestUser => ({ id: 7_400_000 + n, firstName: `Buyer${n}`, languageCode });
  const credits = async (id: number) => {
    const row = await server.orm.em.fork().findOneOrFail(User, id);
    return { trial: row.trialCredits, paid: row.paidCredits };
  };
  /** Buy through the bot: /buy, a pack button, the invoice, pre-checkout, the payment. */
  async function buy(buyer: TestUser, packId: string, chargeId: string) {
    const menu = await roundTrip(fake, fake.message(buyer, '/buy'), 'sendMessage', (p) => p.chat_id === buyer.id);
    expect(buttons(menu).map((b) => b.callback_data)).toEqual(['buy:pack-5', 'buy:pack-10', 'buy:pack-25']);
    const after = fake.mark();
    await press(fake, buyer, `buy:${packId}`, menu.result?.message_id as number);
    const invoice = await fake.waitFor('sendInvoice', (p) => p.chat_id === buyer.id, { after });
    const { invoice_payload, amount } = {
      invoice_payload: invoice.payload.payload as string,
      amount: invoice.payload.prices[0].amount as number,
    };
    const checkout = await roundTrip(fake, fake.preCheckout(buyer, invoice_payload, amount), 'answerPreCheckoutQuery');
    expect(checkout.payload.ok).toBe(true);
    const thanks = await roundTrip(
      fake,
      fake.successfulPayment(buyer, invoice_payload, amount, chargeId),
      'sendMessage',
      (p) => p.chat_id === buyer.id,
    );
    return { invoice, thanks, payload: invoice_payload, amount };
  }

  it('billing.packs lists the packs in the caller language; billing.createInvoice returns a Stars invoice link', async () => {
    const buyer = user(1);
    expect(await server.client(buyer).billing.packs.query()).toEqual([
      { id: 'pack-5', credits: 5, stars: 250, title: '5 auto-bookings' },
      { id: 'pack-10', credits: 10, stars: 450, title: '10 auto-bookings' },
      { id: 'pack-25', credits: 25, stars: 1000, title: '25 auto-bookings' },
    ]);
    expect((await server.client(user(2, 'ru')).billing.packs.query()).map((p) => p.title)).toEqual([
      '5 автобронирований',
      '10 автобронирований',
      '25 автобронирований',
    ]);

    const after = fake.mark();
    const { invoiceLink } = await server.client(buyer).billing.createInvoice.mutate({ packId: 'pack-10' });
    expect(invoiceLink).toMatch(/^https:\/\/t\.me\/\$fake-invoice-\d+$/);
    const call = await fake.waitFor('createInvoiceLink', () => true, { after });
    expect(call.payload).toMatchObject({ currency: 'XTR', provider_token: '', prices: [{ amount: 450 }], payload: 'v1:pack-10:10:450' });

    const error = await errorOf(server.client(buyer).billing.createInvoice.mutate({ packId: 'pack-999' }));
    expect(error.data).toMatchObject({ appCode: 'UNKNOWN_PACK' });
  });

  it('/buy sends a Stars invoice; pre-checkout refuses a stale price or another currency', async () => {
    const buyer = user(3);
    const menu = await roundTrip(fake, fake.message(buyer, '/buy'));
    expect(menu.payload.text).toContain('<b>2</b> free, <b>0</b> paid');
    expect(buttons(menu).map((b) => b.text)).toEqual([
      '5 auto-bookings — 250 ⭐',
      '10 auto-bookings — 450 ⭐',
      '25 auto-bookings — 1000 ⭐',
    ]);
    const after = fake.mark();
    await press(fake, buyer, 'buy:pack-25', menu.result?.message_id as number);
    const invoice = await fake.waitFor('sendInvoice', (p) => p.chat_id === buyer.id, { after });
    expect(invoice.payload).toMatchObject({ currency: 'XTR', prices: [{ amount: 1000 }], payload: 'v1:pack-25:25:1000' });

    const cheap = await roundTrip(fake, fake.preCheckout(buyer, 'v1:pack-25:25:1000', 10), 'answerPreCheckoutQuery');
    expect(cheap.payload).toMatchObject({ ok: false, error_message: 'The price has changed. Open /buy and choose a pack again.' });
    const oldPrice = await roundTrip(fake, fake.preCheckout(buyer, 'v1:pack-25:25:900', 900), 'answerPreCheckoutQuery');
    expect(oldPrice.payload.ok).toBe(false);
    const dollars = await roundTrip(fake, fake.preCheckout(buyer, 'v1:pack-25:25:1000', 1000, 'USD'), 'answerPreCheckoutQuery');
    expect(dollars.payload).toMatchObject({ ok: false, error_message: 'Only Telegram Stars are accepted.' });
    const forged = await roundTrip(fake, fake.preCheckout(buyer, 'free-credits-please', 1), 'answerPreCheckoutQuery');
    expect(forged.payload.ok).toBe(false);
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });
  });

  it('a successful payment delivered twice credits once: one payment, one ledger row, one thank-you', async () => {
    const buyer = user(4);
    const { thanks, payload, amount } = await buy(buyer, 'pack-5', 'charge-dup-1');
    expect(thanks.payload.text).toContain('5 auto-bookings added');
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 5 });

    // Telegram delivers the same update again (say, after a timeout), then the user writes: the duplicate was handled first.
    const after = fake.mark();
    fake.push(fake.successfulPayment(buyer, payload, amount, 'charge-dup-1'));
    await roundTrip(fake, fake.message(buyer, '/help'));
    expect(fake.callsOf('sendMessage', (p) => p.chat_id === buyer.id && /added/.test(p.text)).filter((c) => c.index >= after)).toEqual([]);

    const em = server.orm.em.fork();
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 5 });
    expect(await em.count(Payment, { telegramChargeId: 'charge-dup-1' })).toBe(1);
    const ledger = await em.find(LedgerEntry, { user: buyer.id, reason: 'purchase' });
    expect(ledger.map((l) => ({ delta: l.delta, balanceAfter: l.balanceAfter, bucket: l.bucket }))).toEqual([
      { delta: 5, balanceAfter: 5, bucket: 'paid' },
    ]);
  });

  it('two deliveries of one payment at the same moment credit once (unique charge id, one transaction)', async () => {
    const buyer = user(5);
    await roundTrip(fake, fake.message(buyer, '/start'));
    const billing = new BillingService({ orm: server.orm, logger: pino({ level: 'silent' }) });
    const payment = { userId: buyer.id, chargeId: 'charge-race-1', payload: 'v1:pack-10:10:450', currency: 'XTR', totalAmount: 450 };
    const results = await Promise.all([billing.recordPayment(payment), billing.recordPayment(payment), billing.recordPayment(payment)]);
    expect(results.filter((r) => r.credited)).toHaveLength(1);
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 10 });
  });

  it('an admin refunds a payment: all of its unused credits come back out, the ledger and the buyer are told', async () => {
    const buyer = user(6);
    await buy(buyer, 'pack-10', 'charge-refund-1');
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 10 });

    const denied = await roundTrip(fake, fake.message(buyer, '/refund charge-refund-1'));
    // Not an admin: the command does not even announce itself.
    expect(denied.payload.text).toBe('I did not get that. What I can do: /help');

    const after = fake.mark();
    const reply = await roundTrip(fake, fake.message(ADMIN, '/refund charge-refund-1'));
    expect(reply.payload.text).toContain('Refunded 450 ⭐');
    expect(reply.payload.text).toContain('Took back 10 auto-bookings: the whole pack.');
    const refund = fake.callsOf('refundStarPayment').find((c) => c.index >= after);
    expect(refund?.payload).toEqual({ user_id: buyer.id, telegram_payment_charge_id: 'charge-refund-1' });
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });

    const em = server.orm.em.fork();
    const payment = await em.findOneOrFail(Payment, { telegramChargeId: 'charge-refund-1' });
    expect(payment.status).toBe('refunded');
    expect(payment.refundedAt).toBeInstanceOf(Date);
    const ledger = await em.find(LedgerEntry, { user: buyer.id, reason: 'refund' });
    expect(ledger.map((l) => ({ delta: l.delta, balanceAfter: l.balanceAfter, payment: l.payment?.id }))).toEqual([
      { delta: -10, balanceAfter: 0, payment: payment.id },
    ]);
    // The buyer hears about it through the outbox.
    const told = await fake.waitFor('sendMessage', (p) => p.chat_id === buyer.id && /has been refunded/.test(p.text), { after });
    expect(told.payload.text).toBe('Your payment of 450 ⭐ has been refunded. 10 auto-bookings removed from your balance.');

    const again = await roundTrip(fake, fake.message(ADMIN, '/refund charge-refund-1'));
    expect(again.payload.text).toBe('Payment charge-refund-1 has already been refunded.');
    expect(fake.callsOf('refundStarPayment')).toHaveLength(1);
  });

  it('a partial refund takes back only what is left (never below zero) and says what was already used', async () => {
    const buyer = user(7);
    await buy(buyer, 'pack-5', 'charge-partial-1');
    // Two of the five paid bookings were spent since.
    await server.orm.em.fork().nativeUpdate(User, { id: buyer.id }, { paidCredits: 3 });
    const { removedCredits, alreadyUsed, balanceAfter } = await server
      .client(ADMIN)
      .billing.refund.mutate({ chargeId: 'charge-partial-1' });
    expect({ removedCredits, alreadyUsed, balanceAfter }).toEqual({ removedCredits: 3, alreadyUsed: 2, balanceAfter: 0 });
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });
    const ledger = await server.orm.em.fork().find(LedgerEntry, { user: buyer.id, reason: 'refund' });
    expect(ledger[0]?.note).toMatch(/3 of 5 credits taken back, 2 already used/);

    const notAdmin = await errorOf(server.client(buyer).billing.refund.mutate({ chargeId: 'charge-partial-1' }));
    expect(notAdmin.data).toMatchObject({ appCode: 'FORBIDDEN' });
  });

  it('when Telegram refuses the refund nothing changes here', async () => {
    const buyer = user(8);
    await buy(buyer, 'pack-5', 'charge-refused-1');
    fake.fail('refundStarPayment', { error_code: 400, description: 'Bad Request: CHARGE_NOT_FOUND' });
    const reply = await roundTrip(fake, fake.message(ADMIN, '/refund charge-refused-1'));
    expect(reply.payload.text).toBe('Telegram did not make the refund: Bad Request: CHARGE_NOT_FOUND');
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 5 });
    expect((await server.orm.em.fork().findOneOrFail(Payment, { telegramChargeId: 'charge-refused-1' })).status).toBe('paid');
  });
});

describe('billing without a bot', () => {
  it('is off unless BOT_TOKEN is really set, and invoices are refused with a clear error', async () => {
    // The development bot token (generated into the data folder) only signs init data: the bot stays off.
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-no-bot-'));
    await writeFile(path.join(dataDir, 'dev-bot-token'), `${TEST_BOT_TOKEN}\n`);
    const server = await startTestServer({ BOT_TOKEN: '', DATA_DIR: dataDir });
    try {
      expect(server.telegram).toBeUndefined();
      expect(server.logs.events().some((e) => e.event === 'bot.off')).toBe(true);
      const client = server.client({ id: 7_400_100, firstName: 'NoBot', languageCode: 'en' });
      expect(await client.billing.packs.query()).toHaveLength(3);
      const error = await errorOf(client.billing.createInvoice.mutate({ packId: 'pack-5' }));
      expect(error.data).toMatchObject({ appCode: 'PAYMENTS_UNAVAILABLE', code: 'SERVICE_UNAVAILABLE' });
      expect(error.message).toMatch(/Payments are unavailable right now/);
    } finally {
      await server.close();
    }
  });
});

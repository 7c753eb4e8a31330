// Money is never lost: a payment whose handler crashed is credited by reconciliation against getStarTransactions (and
// the buyer told), a refund made by Telegram takes the unused credits back, and /paysupport, /terms, /privacy answer
// in both languages and sit in the command menu.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { BillingService } from '../../src/accounts/billing-service.ts';
import { LedgerEntry } from '../../src/db/entities/ledger-entry.ts';
import { Payment } from '../../src/db/entities/payment.ts';
import { PaymentReceipt } from '../../src/db/entities/payment-receipt.ts';
import { User } from '../../src/db/entities/user.ts';
import type { TestServer } from '../harness/test-server.ts';
import { press, roundTrip, startBotServer } from './bot-harness.ts';
import { FakeBotApi, type TestUser } from './fake-bot-api.ts';

const ADMIN = { id: 7_410_000, firstName: 'Admin', languageCode: 'en' };

describe('bot: payments that are never lost', () => {
  let fake: FakeBotApi;
  let server: TestServer;

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    server = await startBotServer(fake, { ADMIN_IDS: String(ADMIN.id) });
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await server?.close();
    await fake?.close();
  });

  const user = (n: number, languageCode = 'en'): TestUser => ({ id: 7_410_000 + n, firstName: `Payer${n}`, languageCode });
  const credits = async (id: number) => {
    const row = await server.orm.em.fork().findOneOrFail(User, id);
    return { trial: row.trialCredits, paid: row.paidCredits };
  };
  /** A message from `from`, and the bot's first message to that chat after it. */
  const ask = (from: TestUser, text: string) => roundTrip(fake, fake.message(from, text), 'sendMessage', (p) => p.chat_id === from.id);
  const reconcile = () => server.telegram!.reconcileStars({ minAgeMs: 0 });

  it('a payment whose handler crashed mid-way is credited by reconciliation, once, and the buyer is told', async () => {
    const buyer = user(1);
    const menu = await ask(buyer, '/buy');
    expect(menu.payload.text).toContain('/terms');
    expect(menu.payload.text).toContain('/paysupport');
    const mark = fake.mark();
    await press(fake, buyer, 'buy:pack-5', menu.result?.message_id as number);
    const invoice = await fake.waitFor('sendInvoice', (p) => p.chat_id === buyer.id, { after: mark });
    expect(invoice.payload.description).toMatch(/ Terms: \/terms$/);
    await reconcile(); // whatever earlier transactions the fake holds are behind the cursor now

    // The database goes away just as the payment arrives: the handler throws after Telegram has taken the Stars.
    const crash = vi.spyOn(BillingService.prototype, 'recordPayment').mockRejectedValueOnce(new Error('connection terminated'));
    const pending = await roundTrip(
      fake,
      fake.successfulPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-crash-1'),
      'sendMessage',
      (p) => p.chat_id === buyer.id,
    );
    expect(pending.payload.text).toContain('Your Stars are not lost');
    expect(pending.payload.text).not.toContain('Something went wrong');
    expect(crash).toHaveBeenCalledTimes(1);
    crash.mockRestore();
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });
    expect(await server.orm.em.fork().count(Payment, { telegramChargeId: 'charge-crash-1' })).toBe(0);

    const after = fake.mark();
    expect(await reconcile()).toMatchObject({ scanned: 1, credited: 1 });
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 5 });
    const told = await fake.waitFor('sendMessage', (p) => p.chat_id === buyer.id && /Payment credited/.test(p.text), { after });
    expect(told.payload.text).toContain('5 auto-bookings');
    expect(told.payload.text).toContain('charge-crash-1');
    const ledger = await server.orm.em.fork().find(LedgerEntry, { user: buyer.id, reason: 'purchase' });
    expect(ledger.map((l) => l.delta)).toEqual([5]);

    // Again, and with the update redelivered late: nothing more.
    expect(await server.telegram!.reconcileStars({ minAgeMs: 0 })).toMatchObject({ credited: 0 });
    fake.push(fake.successfulPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-crash-1'));
    await ask(buyer, '/help');
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 5 });
  });

  it('the raw payment is stored before crediting; a crash mid-handler is credited from it exactly once, even while getStarTransactions fails', async () => {
    const buyer = user(9, 'ru');
    await ask(buyer, '/start');
    const crash = vi.spyOn(BillingService.prototype, 'recordPayment').mockRejectedValueOnce(new Error('connection terminated'));
    // Telegram's transaction list does not hold it (or is unreachable): only the stored update can bring the credit.
    const update = fake.successfulPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-receipt-1', { transaction: false });
    const pending = await roundTrip(fake, update, 'sendMessage', (p) => p.chat_id === buyer.id);
    expect(pending.payload.text).not.toContain('Что-то пошло не так');
    crash.mockRestore();
    const stored = await server.orm.em.fork().findOneOrFail(PaymentReceipt, { telegramPaymentChargeId: 'charge-receipt-1' });
    expect(stored).toMatchObject({ userId: buyer.id, settledAt: null, payment: update.message.successful_payment });
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });

    fake.fail('getStarTransactions', { error_code: 400, description: 'Bad Request: method is unavailable' }, { times: 1 });
    const after = fake.mark();
    await expect(reconcile()).rejects.toThrow(/unavailable/);
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 5 });
    const told = await fake.waitFor('sendMessage', (p) => p.chat_id === buyer.id && /Оплата зачислена/.test(p.text), { after });
    expect(told.payload.text).toContain('charge-receipt-1');
    const settled = await server.orm.em.fork().findOneOrFail(PaymentReceipt, { telegramPaymentChargeId: 'charge-receipt-1' });
    expect(settled.settledAt).toBeInstanceOf(Date);

    // Once more, and the update redelivered: still one credit, one ledger line, one message.
    expect(await reconcile()).toMatchObject({ receipts: 0, credited: 0 });
    fake.push(update);
    await ask(buyer, '/help');
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 5 });
    expect(await server.orm.em.fork().count(LedgerEntry, { user: buyer.id, reason: 'purchase' })).toBe(1);
    expect(fake.callsOf('sendMessage', (p) => p.chat_id === buyer.id && /Оплата зачислена|зачислено/i.test(p.text))).toHaveLength(1);
  });

  it('a refunded_payment is stored too, and taken back once its payment is credited', async () => {
    const buyer = user(10);
    await ask(buyer, '/start');
    const crash = vi.spyOn(BillingService.prototype, 'recordPayment').mockRejectedValueOnce(new Error('connection terminated'));
    await roundTrip(
      fake,
      fake.successfulPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-receipt-2', { transaction: false }),
      'sendMessage',
      (p) => p.chat_id === buyer.id,
    );
    crash.mockRestore();
    // The refund arrives while the payment is still uncredited: stored, waiting for its payment.
    fake.push(fake.refundedPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-receipt-2'));
    await ask(buyer, '/help');
    const waiting = await server.orm.em.fork().findOneOrFail(PaymentReceipt, { telegramPaymentChargeId: 'charge-receipt-2' });
    expect(waiting.refund).toMatchObject({ telegram_payment_charge_id: 'charge-receipt-2', total_amount: 250 });
    expect(waiting.refundSettledAt).toBeNull();

    expect(await reconcile()).toMatchObject({ receipts: 1, credited: 1, refunded: 1 });
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });
    const done = await server.orm.em.fork().findOneOrFail(PaymentReceipt, { telegramPaymentChargeId: 'charge-receipt-2' });
    expect(done.settledAt).toBeInstanceOf(Date);
    expect(done.refundSettledAt).toBeInstanceOf(Date);
    const ledger = await server.orm.em
      .fork()
      .find(LedgerEntry, { user: buyer.id, reason: { $in: ['purchase', 'refund'] } }, { orderBy: { id: 'asc' } });
    expect(ledger.map((l) => [l.reason, l.delta])).toEqual([
      ['purchase', 5],
      ['refund', -5],
    ]);
  });

  it('a payment the bot never heard of (update lost) is found from the beginning of the transactions', async () => {
    const buyer = user(2, 'ru');
    await ask(buyer, '/start');
    // The update is built (the transaction exists at Telegram) but never delivered.
    fake.successfulPayment(buyer, 'v1:pack-10:10:450', 450, 'charge-lost-1');
    const after = fake.mark();
    expect(await reconcile()).toMatchObject({ credited: 1 });
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 10 });
    const told = await fake.waitFor('sendMessage', (p) => p.chat_id === buyer.id && /Оплата зачислена/.test(p.text), { after });
    expect(told.payload.text).toContain('10 автобронирований');
  });

  it('a young transaction is left to its update handler, and reconciled on a later pass', async () => {
    const buyer = user(3);
    await ask(buyer, '/start');
    fake.successfulPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-young-1');
    expect(await server.telegram!.reconcileStars({ minAgeMs: 60_000 })).toMatchObject({ scanned: 0 });
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });
    expect(await reconcile()).toMatchObject({ scanned: 1, credited: 1 });
  });

  it('refunded_payment takes back the unused credits of that purchase and tells the buyer, once', async () => {
    const buyer = user(4);
    await ask(buyer, '/start');
    const thanks = await roundTrip(
      fake,
      fake.successfulPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-disputed-1'),
      'sendMessage',
      (p) => p.chat_id === buyer.id,
    );
    expect(thanks.payload.text).toContain('5 auto-bookings added');
    const after = fake.mark();
    fake.push(fake.refundedPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-disputed-1'));
    const told = await fake.waitFor('sendMessage', (p) => p.chat_id === buyer.id && /has been refunded/.test(p.text), { after });
    expect(told.payload.text).toBe('Your payment of 250 ⭐ has been refunded. 5 auto-bookings removed from your balance.');
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });
    expect((await server.orm.em.fork().findOneOrFail(Payment, { telegramChargeId: 'charge-disputed-1' })).status).toBe('refunded');

    // Delivered twice: nothing more taken, no second message.
    fake.push(fake.refundedPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-disputed-1'));
    await ask(buyer, '/help');
    await reconcile();
    expect(await server.orm.em.fork().count(LedgerEntry, { user: buyer.id, reason: 'refund' })).toBe(1);
    expect(fake.callsOf('sendMessage', (p) => p.chat_id === buyer.id && /has been refunded/.test(p.text))).toHaveLength(1);
  });

  it('an admin refund seen again by reconciliation changes nothing', async () => {
    const buyer = user(5);
    await ask(buyer, '/start');
    await roundTrip(
      fake,
      fake.successfulPayment(buyer, 'v1:pack-5:5:250', 250, 'charge-admin-1'),
      'sendMessage',
      (p) => p.chat_id === buyer.id,
    );
    await ask(ADMIN, '/refund charge-admin-1');
    expect(await reconcile()).toMatchObject({ credited: 0, refunded: 0 });
    expect(await credits(buyer.id)).toEqual({ trial: 2, paid: 0 });
  });

  it('/paysupport, /terms and /privacy answer in both languages, are in the menu, and a question reaches the admins', async () => {
    await fake.waitFor('setMyCommands', (p) => p.language_code === 'en');
    for (const call of fake.callsOf('setMyCommands'))
      expect(call.payload.commands.map((c: { command: string }) => c.command)).toEqual(
        expect.arrayContaining(['paysupport', 'terms', 'privacy']),
      );
    const ru = user(6, 'ru');
    const en = user(7, 'en');
    expect((await ask(ru, '/terms')).payload.text).toContain('Условия SlotPilot');
    expect((await ask(en, '/terms')).payload.text).toContain('SlotPilot terms');
    expect((await ask(ru, '/privacy')).payload.text).toContain('Конфиденциальность');
    expect((await ask(en, '/privacy')).payload.text).toContain('AES-256-GCM');
    expect((await ask(en, '/paysupport')).payload.text).toContain('/paysupport your question');

    const after = fake.mark();
    const sent = await ask(en, '/paysupport where are my <credits> for charge-x?');
    expect(sent.payload.text).toBe('Your question went to the SlotPilot team. The answer will come to this chat.');
    const forwarded = await fake.waitFor('sendMessage', (p) => p.chat_id === ADMIN.id && /Вопрос об оплате/.test(p.text), { after });
    expect(forwarded.payload.text).toContain('where are my &lt;credits&gt; for charge-x?');
    expect(forwarded.payload.text).toContain(String(en.id));
  });

  it('a pack button whose invoice fails answers the press once and says so in the chat', async () => {
    const buyer = user(8);
    const menu = await ask(buyer, '/buy');
    fake.fail('sendInvoice', { error_code: 400, description: 'Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID' });
    const after = fake.mark();
    const { answer } = await press(fake, buyer, 'buy:pack-5', menu.result?.message_id as number);
    const error = await fake.waitFor('sendMessage', (p) => p.chat_id === buyer.id, { after });
    expect(error.payload.text).toBe('Something went wrong on our side. Try again in a minute.');
    const answers = fake.callsOf('answerCallbackQuery', (p) => p.callback_query_id === answer.payload.callback_query_id);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.error).toBeUndefined();
  });
});

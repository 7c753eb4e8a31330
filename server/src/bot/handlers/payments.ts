// Telegram Stars: /buy shows the packs, a pack button sends its invoice, `pre_checkout_query` is checked against the
// packs and answered at once, `successful_payment` credits the pack exactly once per charge id (BillingService), or
// refunds a payment that does not match a pack on sale. A `refunded_payment` message takes the refund's unused credits
// back. /paysupport, /terms and /privacy are what Telegram expects from a bot that sells for Stars.
import { Composer, InlineKeyboard } from 'grammy';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import type { BotHandlerServices, BotServices } from '../services.ts';
import { type Texts, textsFor } from '../texts/index.ts';
import { escapeHtml } from '../texts/text-kit.ts';

/** The pack buttons (also under the "credits exhausted" notification). */
export function packsKeyboard(services: Pick<BotServices, 'billing'>, t: Texts, language: 'ru' | 'en'): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const pack of services.billing.packs(language))
    keyboard.text(t.buy.packButton(pack.title, pack.stars), callbackData.buy(pack.id)).row();
  return keyboard;
}

export function paymentHandlers(services: BotHandlerServices) {
  const composer = new Composer<BotContext>();
  const { billing } = services;

  async function showPacks(ctx: BotContext): Promise<void> {
    await ctx.reply(ctx.t.buy.choose({ trial: ctx.user.trialCredits, paid: ctx.user.paidCredits }), {
      parse_mode: 'HTML',
      reply_markup: packsKeyboard(services, ctx.t, ctx.language),
    });
  }
  composer.command('buy', showPacks);

  composer.on('pre_checkout_query', async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const verdict = billing.checkout({ payload: query.invoice_payload, currency: query.currency, totalAmount: query.total_amount });
    if (verdict.ok) await ctx.answerPreCheckoutQuery(true);
    else {
      services.logger.warn(
        { event: 'billing.checkout_refused', userId: ctx.user.id, problem: verdict.problem, payload: query.invoice_payload },
        'pre-checkout refused',
      );
      await ctx.answerPreCheckoutQuery(false, { error_message: ctx.t.buy.checkout[verdict.problem] });
    }
  });

  composer.on('message:successful_payment', async (ctx) => {
    const payment = ctx.message.successful_payment;
    // The raw payment in the log and in payment_receipts before anything can fail: whatever happens after, the
    // reconciliation pass settles the stored receipt (and getStarTransactions backs up an update that never came).
    services.logger.info(
      {
        event: 'billing.payment_received',
        userId: ctx.user.id,
        chargeId: payment.telegram_payment_charge_id,
        currency: payment.currency,
        amount: payment.total_amount,
        payload: payment.invoice_payload.slice(0, 128),
      },
      'successful payment received',
    );
    await services.receipts.receivePayment(ctx.user.id, ctx.update.update_id, payment);
    const recorded = await billing.recordPayment({
      userId: ctx.user.id,
      chargeId: payment.telegram_payment_charge_id,
      providerChargeId: payment.provider_payment_charge_id,
      payload: payment.invoice_payload,
      currency: payment.currency,
      totalAmount: payment.total_amount,
    });
    await services.receipts.markSettled(payment.telegram_payment_charge_id);
    // Not a pack on sale at its price in Stars: nothing credited; say so (and that the Stars went back).
    if (recorded.refused) {
      if (recorded.refused.refunded)
        await ctx.reply(ctx.t.buy.refused(payment.total_amount, payment.telegram_payment_charge_id), { parse_mode: 'HTML' });
      return;
    }
    // The same update delivered again: already thanked.
    if (!recorded.credited) return;
    await ctx.reply(ctx.t.buy.thanks(recorded.credits, recorded.balance, payment.telegram_payment_charge_id), { parse_mode: 'HTML' });
  });

  // Telegram refunded a payment (the buyer disputed it, or a refund made elsewhere): the outbox tells the buyer.
  composer.on('message:refunded_payment', async (ctx) => {
    const refund = ctx.message.refunded_payment;
    await services.receipts.receiveRefund(ctx.user.id, ctx.update.update_id, refund);
    await billing.recordRefund(refund.telegram_payment_charge_id, 'telegram');
    await services.receipts.markRefundSettled(refund.telegram_payment_charge_id);
  });

  const direct = composer.chatType('private');
  direct.command('paysupport', async (ctx) => {
    const question = ctx.match.trim().slice(0, 1_000);
    if (!question) return void (await ctx.reply(ctx.t.legal.paySupport, { parse_mode: 'HTML' }));
    // Logged for operators (no secrets in a payment question) and passed to every admin in their chat with the bot.
    services.logger.info({ event: 'billing.support_question', userId: ctx.user.id }, 'payment support question');
    const who = `<a href="tg://user?id=${ctx.user.id}">${escapeHtml(ctx.user.firstName)}</a> (<code>${ctx.user.id}</code>)`;
    for (const admin of services.adminIds)
      await ctx.api
        .sendMessage(admin, textsFor('ru').legal.paySupportForward(who, question), { parse_mode: 'HTML' })
        .catch((err: unknown) =>
          services.logger.warn({ event: 'billing.support_forward_failed', admin, err }, 'could not pass a question on'),
        );
    await ctx.reply(ctx.t.legal.paySupportSent);
  });
  direct.command('terms', (ctx) => ctx.reply(ctx.t.legal.terms, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }));
  direct.command('privacy', (ctx) => ctx.reply(ctx.t.legal.privacy, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } }));

  /** A pack button: the invoice for it, in Stars. */
  async function onBuyButton(ctx: BotContext, packId: string): Promise<void> {
    const invoice = billing.invoice(packId, ctx.language);
    await ctx.answerCallbackQuery();
    await ctx.replyWithInvoice(invoice.title, invoice.description, invoice.payload, invoice.currency, invoice.prices);
  }

  return { composer, onBuyButton, showPacks };
}

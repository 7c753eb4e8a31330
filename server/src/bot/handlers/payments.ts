// Telegram Stars: /buy shows the packs, a pack button sends its invoice, `pre_checkout_query` is checked against the
// packs and answered at once, `successful_payment` credits the pack exactly once per charge id (BillingService), or
// refunds a payment that does not match a pack on sale.
import { Composer, InlineKeyboard } from 'grammy';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import type { BotServices } from '../services.ts';
import type { Texts } from '../texts/index.ts';

/** The pack buttons (also under the "credits exhausted" notification). */
export function packsKeyboard(services: Pick<BotServices, 'billing'>, t: Texts, language: 'ru' | 'en'): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const pack of services.billing.packs(language))
    keyboard.text(t.buy.packButton(pack.title, pack.stars), callbackData.buy(pack.id)).row();
  return keyboard;
}

export function paymentHandlers(services: BotServices) {
  const composer = new Composer<BotContext>();
  const { billing } = services;

  composer.command('buy', (ctx) =>
    ctx.reply(ctx.t.buy.choose({ trial: ctx.user.trialCredits, paid: ctx.user.paidCredits }), {
      parse_mode: 'HTML',
      reply_markup: packsKeyboard(services, ctx.t, ctx.language),
    }),
  );

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
    const recorded = await billing.recordPayment({
      userId: ctx.user.id,
      chargeId: payment.telegram_payment_charge_id,
      providerChargeId: payment.provider_payment_charge_id,
      payload: payment.invoice_payload,
      currency: payment.currency,
      totalAmount: payment.total_amount,
    });
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

  /** A pack button: the invoice for it, in Stars. */
  async function onBuyButton(ctx: BotContext, packId: string): Promise<void> {
    const invoice = billing.invoice(packId, ctx.language);
    await ctx.answerCallbackQuery();
    await ctx.replyWithInvoice(invoice.title, invoice.description, invoice.payload, invoice.currency, invoice.prices);
  }

  return { composer, onBuyButton };
}

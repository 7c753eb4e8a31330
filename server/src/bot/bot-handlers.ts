// The bot's composer tree: ordering per chat, an error boundary, who the user is, the session, then the commands and
// one dispatcher for every inline button.
import { sequentialize } from '@grammyjs/runner';
import { DomainError, errorMessage, resolveLanguage } from '@slotpilot/shared';
import { type Bot, type StorageAdapter, session } from 'grammy';
import { parseCallbackData } from './callback-data.ts';
import type { BotContext, BotSession } from './context.ts';
import { adminHandlers } from './handlers/admin.ts';
import { bookingHandlers } from './handlers/bookings.ts';
import { keyHandlers } from './handlers/keys.ts';
import { languageHandlers } from './handlers/language.ts';
import { newTaskHandlers } from './handlers/new-task.ts';
import { paymentHandlers } from './handlers/payments.ts';
import { startHandlers } from './handlers/start.ts';
import { taskHandlers } from './handlers/tasks.ts';
import type { BotHandlerServices } from './services.ts';
import { textsFor } from './texts/index.ts';

export function installHandlers(bot: Bot<BotContext>, services: BotHandlerServices, storage: StorageAdapter<BotSession>): void {
  const { logger } = services;

  // One update at a time per user and chat (the runner handles different users concurrently), so a session is never
  // read by two updates at once on this instance.
  bot.use(sequentialize((ctx) => [ctx.chat?.id, ctx.from?.id].filter((id) => id !== undefined).map(String)));

  // Whatever fails, the user gets a polite answer in their language, and a button's spinner stops. A button press gets
  // exactly one answerCallbackQuery (Telegram refuses a second): when something fails after the handler answered, the
  // error goes to the chat instead, and a handler that never answered is answered here.
  bot.use(async (ctx, next) => {
    let answered = false;
    if (ctx.callbackQuery) {
      const answer = ctx.answerCallbackQuery.bind(ctx);
      ctx.answerCallbackQuery = (...args: Parameters<typeof answer>) => {
        answered = true;
        return answer(...args);
      };
    }
    try {
      await next();
      if (ctx.callbackQuery && !answered) await ctx.answerCallbackQuery();
    } catch (error) {
      const language = ctx.language ?? resolveLanguage(ctx.from?.language_code);
      const known = error instanceof DomainError;
      const message = known ? errorMessage(error.code, language, error.vars) : errorMessage('INTERNAL', language);
      if (!known)
        logger.error(
          { event: 'bot.handler_failed', updateId: ctx.update.update_id, userId: ctx.from?.id, err: error },
          'bot handler failed',
        );
      const payment = ctx.message?.successful_payment;
      const told = payment
        ? // Paid but not credited yet: never "something went wrong" about money. Reconciliation credits it (and a
          // webhook update is redelivered, since the error is rethrown below).
          ctx.reply(textsFor(language).buy.pending(payment.telegram_payment_charge_id), { parse_mode: 'HTML' })
        : ctx.callbackQuery && !answered
          ? ctx.answerCallbackQuery({ text: message, show_alert: true })
          : ctx.preCheckoutQuery
            ? ctx.answerPreCheckoutQuery(false, { error_message: message })
            : ctx.chat?.type === 'private'
              ? ctx.reply(message)
              : undefined;
      await told?.catch((err: unknown) => logger.warn({ event: 'bot.error_reply_failed', err }, 'could not tell the user about a failure'));
      if (payment) throw error;
    }
  });

  // The user behind the update: created on first contact (with the free credits), language from their Telegram profile.
  bot.use(async (ctx, next) => {
    const from = ctx.from;
    if (!from || from.is_bot) return;
    const user = await services.users.upsertFromTelegram({
      id: from.id,
      firstName: from.first_name,
      lastName: from.last_name,
      username: from.username,
      languageCode: from.language_code,
    });
    ctx.user = user;
    ctx.language = user.language;
    ctx.t = textsFor(user.language);
    ctx.isAdmin = services.adminIds.has(user.id);
    await next();
  });

  bot.use(session({ storage, getSessionKey: (ctx) => ctx.from?.id.toString(), initial: (): BotSession => ({}) }));

  const tasks = taskHandlers(services);
  const newTask = newTaskHandlers(services);
  const payments = paymentHandlers(services);
  const keys = keyHandlers(services);
  const bookings = bookingHandlers(services);
  const language = languageHandlers(services);
  const routes = { new: newTask.begin, tasks: tasks.show, bookings: bookings.show, keys: keys.show, buy: payments.showPacks };

  // Payments may arrive outside a private chat's command flow; everything else is for private chats only.
  bot.use(payments.composer);
  const direct = bot.chatType('private');
  direct.use(
    startHandlers(services, routes),
    adminHandlers(services),
    tasks.composer,
    keys.composer,
    bookings.composer,
    language.composer,
    newTask.composer,
  );
  // Anything else typed in the chat (an unknown command, a stray word) points to /help.
  direct.on('message:text', (ctx) => ctx.reply(ctx.t.common.notUnderstood));

  bot.on('callback_query:data', async (ctx) => {
    const data = parseCallbackData(ctx.callbackQuery.data);
    switch (data?.type) {
      case 'task':
        return tasks.onButton(ctx, data.action, data.taskId);
      case 'tasks-refresh':
        return tasks.onButton(ctx, 'refresh');
      case 'key':
        return keys.onButton(ctx, data.action, data.keyId);
      case 'keys-list':
        return keys.onButton(ctx, 'list');
      case 'language':
        return language.onButton(ctx, data.language);
      case 'buy':
        return payments.onBuyButton(ctx, data.packId);
      case 'warehouse':
      case 'warehouse-page':
      case 'box':
      case 'coefficient':
      case 'calendar':
      case 'new-back':
      case 'new-cancel':
      case 'new-add':
        return newTask.onButton(ctx, data);
      case undefined:
        // Forged, mangled, or from a version of the bot that printed other buttons.
        logger.info({ event: 'bot.unknown_callback', userId: ctx.from.id, data: ctx.callbackQuery.data.slice(0, 64) }, 'unknown button');
        await ctx.answerCallbackQuery({ text: ctx.t.common.unknownButton });
    }
  });

  // Any other button-less callback (a game, an inline message) is acknowledged so the client stops waiting.
  bot.on('callback_query', (ctx) => ctx.answerCallbackQuery());
}

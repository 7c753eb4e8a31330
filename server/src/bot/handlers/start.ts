// /start (with deep-link payloads), /help and /cancel: the welcome with the balance, the Mini App button and the chat's
// menu button; a `t.me/<bot>?start=<payload>` link lands on the screen it names after the welcome.
import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.ts';
import { isWebAppUrl, webAppButton } from '../mini-app-links.ts';
import type { BotHandlerServices } from '../services.ts';

/** What a deep link may open: the screens of the bot's own commands. */
export type StartRoutes = Record<'new' | 'tasks' | 'bookings' | 'keys' | 'buy', (ctx: BotContext) => Promise<void>>;

const TASK_PAYLOAD = /^task-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

export function startHandlers(services: BotHandlerServices, routes: StartRoutes): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const { links, logger } = services;

  composer.command('start', async (ctx) => {
    const { t, user } = ctx;
    await ctx.reply(t.start.welcome(user.firstName, { trial: user.trialCredits, paid: user.paidCredits }), {
      parse_mode: 'HTML',
      reply_markup: webAppButton(new InlineKeyboard(), t.common.openApp, links.home()),
    });
    // The button next to the message field opens the Mini App too, in this user's language (https only).
    if (isWebAppUrl(links.home()))
      await ctx.api
        .setChatMenuButton({
          chat_id: ctx.chat.id,
          menu_button: { type: 'web_app', text: t.common.menuButton, web_app: { url: links.home() } },
        })
        .catch((err: unknown) =>
          logger.warn({ event: 'bot.menu_button_failed', userId: user.id, err }, 'could not set the chat menu button'),
        );

    // Deep links: Telegram puts the payload after /start (1–64 characters of A–Z, a–z, 0–9, _ and -).
    const payload = ctx.match.trim();
    if (!payload) return;
    if (payload in routes) return routes[payload as keyof StartRoutes](ctx);
    const task = TASK_PAYLOAD.exec(payload);
    if (task) {
      // Only the user's own task; anyone else's (or a removed one) is answered like a typo.
      const mine = (await services.tasks.list(user.id)).some((x) => x.id === task[1]);
      if (mine) {
        const keyboard = webAppButton(new InlineKeyboard(), t.notify.openTask, links.task(task[1]!));
        await ctx.reply(t.start.taskLink, { reply_markup: keyboard });
        return;
      }
    }
    logger.info({ event: 'bot.unknown_start_payload', userId: user.id, payload: payload.slice(0, 64) }, 'unknown /start payload');
  });

  composer.command('help', (ctx) => ctx.reply(ctx.t.help, { parse_mode: 'HTML' }));

  // /cancel anywhere: whatever is under way in the chat (the /new draft) ends, and its message says so.
  composer.command('cancel', async (ctx) => {
    const draft = ctx.session.newTask;
    if (!draft) return void (await ctx.reply(ctx.t.common.nothingToCancel));
    ctx.session.newTask = undefined;
    await ctx.api
      .editMessageText(ctx.chat.id, draft.messageId, ctx.t.newTask.cancelled)
      .catch((err: unknown) => logger.debug({ event: 'bot.cancel_edit_failed', err }, 'could not mark the draft cancelled'));
    await ctx.reply(ctx.t.common.cancelled);
  });

  return composer;
}

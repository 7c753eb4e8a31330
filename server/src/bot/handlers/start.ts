// /start, /help and /keys: the welcome with the balance, the Mini App button and the chat's menu button.
import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../context.ts';
import { isWebAppUrl, webAppButton } from '../mini-app-links.ts';
import type { BotServices } from '../services.ts';

export function startHandlers(services: BotServices): Composer<BotContext> {
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
  });

  composer.command('help', (ctx) => ctx.reply(ctx.t.help, { parse_mode: 'HTML' }));

  composer.command('keys', (ctx) =>
    ctx.reply(ctx.t.keys.text, { reply_markup: webAppButton(new InlineKeyboard(), ctx.t.keys.button, links.keys()) }),
  );

  return composer;
}

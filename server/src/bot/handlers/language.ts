// /language: the user picks the language the bot (and its notifications) speak, stored on their user row, so it holds
// on every instance and survives their Telegram profile changing; "as in Telegram" follows the profile again. The chat's
// command menu follows the choice too.
import { Composer, InlineKeyboard } from 'grammy';
import { callbackData } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { editInPlace } from '../edit-in-place.ts';
import type { BotHandlerServices } from '../services.ts';
import { textsFor } from '../texts/index.ts';

export function languageHandlers(services: BotHandlerServices) {
  const composer = new Composer<BotContext>();

  composer.command('language', async (ctx) => {
    const { t } = ctx;
    const keyboard = new InlineKeyboard()
      .text('Русский', callbackData.language('ru'))
      .text('English', callbackData.language('en'))
      .row()
      .text(t.language.auto, callbackData.language('auto'));
    await ctx.reply(t.language.choose(ctx.user.chosenLanguage ? t.language.names[ctx.user.chosenLanguage] : t.language.auto), {
      reply_markup: keyboard,
    });
  });

  async function onButton(ctx: BotContext, choice: 'ru' | 'en' | 'auto'): Promise<void> {
    const language = await services.users.setLanguage(ctx.user.id, choice === 'auto' ? null : choice);
    ctx.language = language;
    ctx.t = textsFor(language);
    await ctx.answerCallbackQuery();
    await editInPlace(ctx, ctx.t.language.set(ctx.t.language.names[language]));
    const chatId = ctx.chat?.id;
    if (chatId === undefined) return;
    // The command menu in this chat: the chosen language's, or the default per client language again.
    const scope = { type: 'chat' as const, chat_id: chatId };
    await (choice === 'auto' ? ctx.api.deleteMyCommands({ scope }) : ctx.api.setMyCommands(ctx.t.commands, { scope })).catch(
      (err: unknown) =>
        services.logger.warn({ event: 'bot.chat_commands_failed', userId: ctx.user.id, err }, 'could not set the chat command menu'),
    );
  }

  return { composer, onButton };
}

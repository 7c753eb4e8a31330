// Buttons update the message they sit on. A double tap asks Telegram to show what is already shown, which it refuses
// with "message is not modified": nothing to do then.
import { GrammyError, type InlineKeyboard } from 'grammy';
import type { BotContext } from './context.ts';

export async function editInPlace(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  try {
    await ctx.editMessageText(text, { parse_mode: 'HTML', ...(keyboard ? { reply_markup: keyboard } : {}) });
  } catch (error) {
    if (!(error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description))) throw error;
  }
}

// /keys: the user's WB keys with their status (working, rejected by WB, expiring soon), a delete button for each that
// asks first, and the Mini App's Keys screen to add one (secrets are pasted there, never into the chat).
import { Composer, InlineKeyboard } from 'grammy';
import { callbackData, type KeyAction } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { editInPlace } from '../edit-in-place.ts';
import { webAppButton } from '../mini-app-links.ts';
import type { BotHandlerServices } from '../services.ts';

/** A key that expires within this long is flagged. */
const EXPIRY_WARNING_MS = 3 * 24 * 60 * 60_000;
const NAME_ON_BUTTON = 20;

export function keyHandlers(services: BotHandlerServices) {
  const composer = new Composer<BotContext>();

  async function render(ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard }> {
    const { t } = ctx;
    const keys = await services.credentials.list(ctx.user.id);
    const keyboard = new InlineKeyboard();
    const now = Date.now();
    const lines = keys.map((key) => {
      const expires = key.expiresAt ? Date.parse(key.expiresAt) : undefined;
      const status = !key.valid
        ? t.keys.status.rejected
        : expires !== undefined && expires < now
          ? t.keys.status.expired
          : expires !== undefined && expires - now < EXPIRY_WARNING_MS
            ? t.keys.status.expiring(key.expiresAt!.slice(0, 10))
            : t.keys.status.ok;
      const name = key.name.length > NAME_ON_BUTTON ? `${key.name.slice(0, NAME_ON_BUTTON - 1)}…` : key.name;
      keyboard.text(t.keys.deleteButton(name), callbackData.key('del', key.id)).row();
      return t.keys.line(key.name, key.kind, key.sellerName, key.hint, status);
    });
    webAppButton(keyboard, t.keys.button, services.links.keys());
    const text = keys.length ? [t.keys.header(keys.length), ...lines, '', t.keys.footer].join('\n') : t.keys.empty;
    return { text, keyboard };
  }

  async function show(ctx: BotContext): Promise<void> {
    const { text, keyboard } = await render(ctx);
    await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
  }

  composer.command('keys', show);

  async function onButton(ctx: BotContext, action: KeyAction | 'list', keyId?: string): Promise<void> {
    const { t } = ctx;
    if (action === 'del' && keyId) {
      const key = (await services.credentials.list(ctx.user.id)).find((k) => k.id === keyId);
      if (!key) {
        await ctx.answerCallbackQuery({ text: t.common.staleButton });
        return;
      }
      await ctx.answerCallbackQuery();
      await editInPlace(
        ctx,
        t.keys.confirmDelete(key.name),
        new InlineKeyboard().text(t.keys.confirmYes, callbackData.key('delok', keyId)).text(t.tasks.confirmNo, callbackData.keysList()),
      );
      return;
    }
    if (action === 'delok' && keyId) {
      await services.credentials.remove(ctx.user.id, keyId);
      await ctx.answerCallbackQuery({ text: t.keys.deleted });
    } else await ctx.answerCallbackQuery();
    const { text, keyboard } = await render(ctx);
    await editInPlace(ctx, text, keyboard);
  }

  return { composer, onButton, show };
}

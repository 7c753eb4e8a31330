// Telegram's answers that are not failures for us.
import { GrammyError } from 'grammy';

/** Editing a message to exactly what it already shows (a double tap): nothing to do. */
export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** The user blocked the bot, deleted their account, or never opened a chat with it. */
export function isUnreachableUser(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 403;
}

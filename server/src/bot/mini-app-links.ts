// Where the bot's buttons open the Mini App. Its screens are path routes (miniapp/src/router/routes.ts).
// Telegram opens Web Apps over https only and refuses a whole message whose keyboard holds an http:// Web App button,
// so without an https PUBLIC_URL (development without a tunnel) the buttons are left out and the message still goes.
import type { InlineKeyboard } from 'grammy';

/** Whether Telegram would open this URL as a Web App. */
export const isWebAppUrl = (url: string): boolean => /^https:\/\/[^\s/]+/.test(url);

/** Adds a Web App button (on its own row) when the URL can be one; otherwise leaves the keyboard as it is. */
export function webAppButton(keyboard: InlineKeyboard, text: string, url: string): InlineKeyboard {
  return isWebAppUrl(url) ? keyboard.webApp(text, url) : keyboard;
}

export interface MiniAppLinks {
  home(): string;
  keys(): string;
  task(taskId: string): string;
  /** The task's slot-found sheet (what was found, book it, keep watching): where a slot alert leads. */
  slotFound(taskId: string): string;
  credits(): string;
}

/** `base` is read on every use: in development the server learns its port only once it listens. */
export function miniAppLinks(base: () => string): MiniAppLinks {
  const at = (path: string) => `${base().replace(/\/+$/, '')}${path}`;
  return {
    home: () => at('/'),
    keys: () => at('/keys'),
    task: (taskId) => at(`/tasks/${taskId}`),
    slotFound: (taskId) => at(`/tasks/${taskId}/found`),
    credits: () => at('/credits?paywall=1'),
  };
}

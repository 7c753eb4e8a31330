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

/**
 * What a `startapp` deep link needs: the bot's username, and a main Mini App set up for the bot in BotFather (that is
 * what `https://t.me/<bot>?startapp=…` opens; without one Telegram only opens the chat). From getMe.
 */
export interface DeepLinkBot {
  username: string;
  hasMainWebApp: boolean;
}

/** The Mini App screens a `startapp` payload can name (miniapp/src/router/routes.ts `startParamPath`). */
export type StartAppTarget = { screen: 'found'; taskId: string } | { screen: 'task'; taskId: string };

/** Telegram accepts only these characters, at most 512 of them, in a `startapp` payload. */
const START_APP_PAYLOAD = /^[A-Za-z0-9_-]{1,512}$/;

/**
 * A `startapp` deep link into the bot's main Mini App, or undefined when it would not open the app: no username yet
 * (getMe not answered), no main Mini App, no https Mini App (PUBLIC_URL) behind it, or a payload Telegram refuses.
 * Unlike a web_app button it survives forwarding and opens the app full size with the screen as its start parameter.
 */
export function startAppLink(bot: DeepLinkBot | undefined, miniAppUrl: string, target: StartAppTarget): string | undefined {
  if (!bot?.username || !bot.hasMainWebApp || !isWebAppUrl(miniAppUrl)) return undefined;
  const payload = `${target.screen}_${target.taskId}`;
  if (!START_APP_PAYLOAD.test(payload) || !/^[A-Za-z0-9_]{4,32}$/.test(bot.username)) return undefined;
  return `https://t.me/${bot.username}?startapp=${payload}`;
}

export interface MiniAppLinks {
  home(): string;
  keys(): string;
  task(taskId: string): string;
  /** The task's slot-found sheet (what was found, book it, keep watching): where a slot alert leads. */
  slotFound(taskId: string): string;
  credits(): string;
  /** The redistribution screen (transfer routes and their limits). */
  redistribution(): string;
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
    redistribution: () => at('/redistribution'),
  };
}

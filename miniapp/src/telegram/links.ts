// Links out of the Mini App (the WB portal's date page for a preorder): Telegram's own openLink keeps the Mini App open
// and picks the right browser; a plain new tab only where the SDK is not there.
import { openLink } from '@telegram-apps/sdk-react';

/** Only https links leave the app: an action URL comes from the server, and we never open anything else from it. */
export function isOpenableLink(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** Must be called from a tap (Telegram refuses openLink outside a user gesture). */
export function openExternalLink(url: string): void {
  if (!isOpenableLink(url)) return;
  if (openLink.isAvailable()) {
    openLink(url);
    return;
  }
  window.open(url, '_blank', 'noopener,noreferrer');
}

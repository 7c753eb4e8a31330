// Destructive actions (cancel a task, remove a key) are confirmed in Telegram's own popup, as Telegram apps do, instead of
// an inline "are you sure" row that moves the layout.
import { popup } from '@telegram-apps/sdk-react';

export interface ConfirmSpec {
  message: string;
  /** The destructive button's words ("Cancel the task"). */
  confirm: string;
  /** The way out ("Keep it"). */
  keep: string;
}

const YES = 'yes';

/** Resolves true only when the user pressed the destructive button. */
export async function confirmDestructive(spec: ConfirmSpec): Promise<boolean> {
  if (popup.show.isAvailable()) {
    try {
      const pressed = await popup.show({
        message: spec.message,
        buttons: [
          { id: YES, type: 'destructive', text: spec.confirm },
          { id: 'keep', type: 'default', text: spec.keep },
        ],
      });
      return pressed === YES;
    } catch {
      // Another popup is already open (a double tap): treat as not confirmed.
      return false;
    }
  }
  return window.confirm(spec.message);
}

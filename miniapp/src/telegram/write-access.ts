// Alerts are bot messages: they reach a seller only if the bot may write to them. Telegram asks once, from a tap; the answer
// is remembered on this device so the app says whether alerts can arrive without asking again.
import { requestWriteAccess } from '@telegram-apps/sdk-react';
import { useSyncExternalStore } from 'react';

export type WriteAccess = 'unknown' | 'allowed' | 'denied';

const STORAGE_KEY = 'slotpilot.writeAccess';
const listeners = new Set<() => void>();
let status: WriteAccess = read();

function read(): WriteAccess {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return value === 'allowed' || value === 'denied' ? value : 'unknown';
  } catch {
    return 'unknown';
  }
}

function set(next: WriteAccess): void {
  status = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Not persisted: asked again next session.
  }
  for (const listener of listeners) listener();
}

export function canAskWriteAccess(): boolean {
  return requestWriteAccess.isAvailable();
}

/** Asks Telegram for permission to message the user (must run from a tap). */
export async function askWriteAccess(): Promise<WriteAccess> {
  if (!requestWriteAccess.isAvailable()) return status;
  try {
    const answer = await requestWriteAccess();
    set(answer === 'allowed' ? 'allowed' : 'denied');
  } catch {
    // Telegram did not answer (the request was cut short): nothing learned.
  }
  return status;
}

/** Asks only the first time (a first notify task): a seller who already answered is not asked again. */
export function askWriteAccessOnce(): void {
  if (status === 'unknown') void askWriteAccess();
}

export function useWriteAccess(): WriteAccess {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
  );
}

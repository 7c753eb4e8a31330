// Whether the live task stream is delivering: the list must not keep pulsing "Watching" over a dead connection. Two
// signals: the tRPC link reporting its SSE connection lost (server gone), and the browser reporting the device offline
// (an open SSE socket may linger without delivering anything).
import { useSyncExternalStore } from 'react';

export type StreamStatus = 'connecting' | 'live' | 'lost';

let link: 'connecting' | 'live' | 'lost' = 'connecting';
let offline = typeof navigator !== 'undefined' && navigator.onLine === false;
let status: StreamStatus = compute();
const listeners = new Set<() => void>();

function compute(): StreamStatus {
  return offline ? 'lost' : link;
}

function update(): void {
  const next = compute();
  if (next === status) return;
  status = next;
  // Live badges pulse through CSS; a lost stream stops them everywhere at once.
  document.documentElement.classList.toggle('stream-lost', next === 'lost');
  for (const listener of listeners) listener();
}

export function setStreamStatus(next: StreamStatus): void {
  link = next;
  update();
}

if (typeof window !== 'undefined') {
  window.addEventListener('offline', () => {
    offline = true;
    update();
  });
  window.addEventListener('online', () => {
    offline = false;
    update();
  });
}

export function useStreamStatus(): StreamStatus {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => status,
  );
}

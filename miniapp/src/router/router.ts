// A tiny history router: the URL is the state, `navigate` pushes, Telegram's BackButton pops. No dependency.
import { useSyncExternalStore } from 'react';
import { parseRoute, type Route, withSessionParams } from './routes.ts';

type Listener = () => void;
const listeners = new Set<Listener>();

function notify(): void {
  for (const listener of listeners) listener();
}

function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  if (listeners.size === 1) window.addEventListener('popstate', notify);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) window.removeEventListener('popstate', notify);
  };
}

/** How deep into the app this history entry is: 0 for the entry the app was opened with. */
function depth(): number {
  const state = history.state as { depth?: unknown } | null;
  return typeof state?.depth === 'number' ? state.depth : 0;
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  // Telegram's launch parameters travel in the hash; keep it so a reload inside Telegram still finds them.
  const url = withSessionParams(to, location.search) + location.hash;
  if (options.replace) history.replaceState({ depth: depth() }, '', url);
  else history.pushState({ depth: depth() + 1 }, '', url);
  window.scrollTo(0, 0);
  notify();
}

/** True when this screen was opened from another one in the app (so Back returns there). */
export function openedFromAnotherScreen(): boolean {
  return depth() > 0;
}

/** Back one screen; when the app was opened on this screen, back to the task list. */
export function goBack(): void {
  if (depth() > 0) history.back();
  else navigate('/', { replace: true });
}

let cachedKey = '';
let cachedRoute: Route = { name: 'tasks' };

function currentRoute(): Route {
  const key = location.pathname + location.search;
  if (key !== cachedKey) {
    cachedKey = key;
    cachedRoute = parseRoute(location.pathname, location.search);
  }
  return cachedRoute;
}

export function useRoute(): Route {
  return useSyncExternalStore(subscribe, currentRoute);
}

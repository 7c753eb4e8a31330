// Cached data stays on screen when a refetch fails or the phone is offline, under one line that says so and how old it is:
// "нет связи · данные на 12:03 МСК". An error replaces the screen only when there is nothing cached to show.
import { onlineManager } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { formatMoscowTime } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';

export function useIsOnline(): boolean {
  return useSyncExternalStore(
    (listener) => onlineManager.subscribe(listener),
    () => onlineManager.isOnline(),
  );
}

interface QueryLike {
  data: unknown;
  isError: boolean;
  /** 'paused': React Query holds the fetch until the network is back. */
  fetchStatus: 'fetching' | 'paused' | 'idle';
  dataUpdatedAt: number;
}

/** True when the screen shows cached data that could not be refreshed. */
export function isStale(query: QueryLike, online: boolean): boolean {
  return query.data !== undefined && (query.isError || query.fetchStatus === 'paused' || !online);
}

export function OfflineBanner({ query }: { query: QueryLike }) {
  const t = useT();
  const language = useLanguage();
  const online = useIsOnline();
  if (!isStale(query, online)) return null;
  return (
    <p className="notice notice-warning" role="status" data-testid="offline-banner">
      {t('offline.banner', { time: formatMoscowTime(query.dataUpdatedAt, language) })}
    </p>
  );
}

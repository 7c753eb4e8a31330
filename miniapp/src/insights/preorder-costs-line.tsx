// The new-task form's line about the chosen preorder (issue 18): what WB's portal estimates its acceptance would cost on
// each date of the chosen range WB estimates (today and the 13 days after it), the cheapest open date in bold, and when
// WB was read. Asked once per preorder and range: the server caches it for 5 minutes and allows a seller only a few
// reads a minute, so the query never polls and never retries a refusal.
import { useQuery } from '@tanstack/react-query';
import { Fragment } from 'react';
import { useApi } from '../api/api-context.tsx';
import { apiErrorCode } from '../api/trpc.ts';
import { type IsoDate, moscowToday } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { costItems, costRange, fetchedAtWords, PREORDER_COST_DAYS } from './preorder-costs-words.ts';

/** As long as the server serves one read: asking sooner only spends the seller's per-minute allowance. */
export const PREORDER_COSTS_STALE_MS = 5 * 60_000;

export function PreorderCostsLine({
  preorderId,
  dateFrom,
  dateTo,
  skipped,
}: {
  preorderId: string;
  dateFrom: IsoDate;
  dateTo: IsoDate;
  skipped: readonly IsoDate[];
}) {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const range = costRange(dateFrom, dateTo, moscowToday());
  const costs = useQuery({
    queryKey: ['preorder-costs', preorderId, range?.dateFrom, range?.dateTo] as const,
    // Only called while enabled, that is with a range.
    queryFn: () => api.insights.preorderCosts.query({ preorderId, dateFrom: range?.dateFrom ?? dateFrom, dateTo: range?.dateTo ?? dateTo }),
    enabled: range !== null,
    staleTime: PREORDER_COSTS_STALE_MS,
    gcTime: PREORDER_COSTS_STALE_MS,
    // A network hiccup or a busy WB is worth one more try; our own refusals (rate limit, no session, no such preorder)
    // would only be refused again.
    retry: (failures, error) => failures < 1 && ['NETWORK', 'WB_BUSY', 'WB_UNAVAILABLE'].includes(apiErrorCode(error)),
  });

  if (!range)
    return (
      <p className="hint" data-testid="preorder-costs-beyond">
        {t('preorderCosts.beyond', { count: PREORDER_COST_DAYS })}
      </p>
    );
  if (costs.isError) return <ErrorNotice error={costs.error} onRetry={() => void costs.refetch()} testId="preorder-costs-error" />;
  if (!costs.data)
    return (
      <p className="hint" aria-busy="true" data-testid="preorder-costs-loading">
        {t('preorderCosts.loading')}
      </p>
    );

  const items = costItems(language, costs.data.days).filter((item) => !skipped.includes(item.date));
  const cut = range.dateFrom !== dateFrom || range.dateTo !== dateTo;
  const time = t('time.msk', { time: fetchedAtWords(language, costs.data.fetchedAt) });
  return (
    <div className="insight-line" data-testid="preorder-costs">
      <p>
        {t('preorderCosts.title')}{' '}
        {items.map((item, i) => {
          const value = item.kind === 'paid' ? item.price : item.kind === 'free' ? t('preorderCosts.free') : t('preorderCosts.closed');
          const words = `${item.day} — ${value}`;
          return (
            <Fragment key={item.date}>
              {i > 0 && ' · '}
              <span data-testid={`preorder-cost-${item.date}`} data-kind={item.kind} data-cheapest={item.cheapest}>
                {item.cheapest ? (
                  <>
                    <strong>{words}</strong>
                    <span className="visually-hidden"> ({t('preorderCosts.cheapest')})</span>
                  </>
                ) : (
                  words
                )}
              </span>
            </Fragment>
          );
        })}
      </p>
      <p className="hint" data-testid="preorder-costs-as-of">
        {t('preorderCosts.asOf', { time })}
        {cut && ` (${t('preorderCosts.horizon', { count: PREORDER_COST_DAYS })})`}
      </p>
    </div>
  );
}

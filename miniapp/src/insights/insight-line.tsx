// The new-task form's one line about the chosen warehouse (issue 18): what a task at this maximum would have caught
// there in the last 7 days, when and for how long, on how many days of observation — or, below the minimum, how much
// observation there is. Every figure is the server's; the link opens the warehouse's statistics.
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import { queryKeys } from '../api/queries.ts';
import { useLanguage, useT, useTP } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { durationWords, figuresFor, numberWords, peakWords } from './insight-words.ts';

type BoxTypeId = 2 | 5 | 6;

/** Cached on the server for a few minutes; asking more often only spends the seller's rate limit. */
export const INSIGHTS_STALE_MS = 5 * 60_000;

export function useWarehouseInsights(warehouseId: number, boxTypeId: BoxTypeId, days: 7 | 30, enabled = true) {
  const api = useApi();
  return useQuery({
    queryKey: queryKeys.insights(warehouseId, boxTypeId, days),
    queryFn: () => api.insights.warehouse.query({ warehouseId, boxTypeId, days }),
    enabled,
    staleTime: INSIGHTS_STALE_MS,
  });
}

export function InsightLine({
  warehouseId,
  boxTypeId,
  maxCoefficient,
}: {
  warehouseId: number;
  boxTypeId: BoxTypeId;
  maxCoefficient: number;
}) {
  const t = useT();
  const tp = useTP();
  const language = useLanguage();
  const insights = useWarehouseInsights(warehouseId, boxTypeId, 7);

  if (insights.isError) return <ErrorNotice error={insights.error} testId="insight-error" />;
  const data = insights.data;
  if (!data) {
    return (
      <p className="hint" aria-busy="true">
        {t('insights.loading')}
      </p>
    );
  }

  const observed = (count: number) => numberWords(language, count);
  let text: string;
  let suggestion: string | null = null;
  if (data.status === 'insufficient') {
    text = tp('insights.insufficient', data.observation.days, {
      count: observed(data.observation.days),
      minimum: data.observation.minimumDays,
    });
  } else {
    const figures = figuresFor(data.thresholds, maxCoefficient);
    const threshold = figures?.threshold ?? maxCoefficient;
    const basis = tp('insights.observed', data.observation.days, { count: observed(data.observation.days) });
    if (!figures || figures.openings === 0) {
      text = `${t('insights.line.none', { threshold })} (${basis}).`;
    } else {
      const parts = [tp('insights.line.slots', figures.openings, { threshold })];
      const when = peakWords(language, figures);
      if (when) parts.push(t('insights.line.when', { when }));
      if (figures.medianOpenSeconds !== null)
        parts.push(t('insights.line.lasted', { duration: durationWords(language, figures.medianOpenSeconds) }));
      text = `${parts.join(', ')} (${basis}).`;
    }
    const s = data.suggestion;
    if (s)
      suggestion =
        s.timesX0 !== null
          ? tp('insights.suggest.times', s.timesX0, { threshold: s.threshold, count: numberWords(language, s.timesX0) })
          : tp('insights.suggest.perDay', s.perDay, { threshold: s.threshold, count: numberWords(language, s.perDay) });
  }

  return (
    <div className="insight-line" data-testid="insight-line" data-status={data.status}>
      <p data-testid="insight-text">{text}</p>
      {suggestion && <p data-testid="insight-suggestion">{suggestion}</p>}
      <button
        type="button"
        className="link-button"
        data-testid="insight-more"
        onClick={() => navigate(`/insights/${warehouseId}?box=${boxTypeId}`)}
      >
        {t('insights.more')}
      </button>
    </div>
  );
}

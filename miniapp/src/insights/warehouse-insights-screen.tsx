// A warehouse's slot statistics for one box type (issue 18), reached from the new-task form's line: how often a slot
// opened at each threshold in the last 7 or 30 days, how long it stayed open, and a weekday × hour heatmap (Moscow time)
// of the openings at one threshold. Loaded on demand: it is not part of the first screen's JavaScript.
import type { InsightThreshold, Language, ThresholdFigures } from '@slotpilot/shared';
import { type CSSProperties, useState } from 'react';
import { useWarehouseName } from '../api/queries.ts';
import { useLanguage, useT, useTP } from '../i18n/i18n.tsx';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { Segmented } from '../ui/segmented.tsx';
import { useWarehouseInsights } from './insight-line.tsx';
import { dayWords, durationWords, numberWords, weekdayName } from './insight-words.ts';

type BoxTypeId = 2 | 5 | 6;

export function WarehouseInsightsScreen({ warehouseId, boxTypeId }: { warehouseId: number; boxTypeId: BoxTypeId }) {
  const t = useT();
  const tp = useTP();
  const language = useLanguage();
  const name = useWarehouseName();
  const [days, setDays] = useState<7 | 30>(7);
  const [picked, setPicked] = useState<InsightThreshold | null>(null);
  const insights = useWarehouseInsights(warehouseId, boxTypeId, days);
  const data = insights.data;
  // The heatmap's threshold: the seller's pick, else the suggested one, else ≤ x1 (the form's default maximum).
  const threshold = picked ?? (data?.status === 'ok' ? data.suggestion?.threshold : undefined) ?? 1;

  return (
    <>
      <h1>{t('insights.title')}</h1>
      <p className="hint" data-testid="insights-subject">
        {name(warehouseId)} · {t(`box.${boxTypeId}`)}
      </p>
      <Segmented
        name="insights-window"
        options={[
          { value: 7 as const, label: t('insights.window.7') },
          { value: 30 as const, label: t('insights.window.30') },
        ]}
        value={days}
        onChange={setDays}
      />
      {insights.isError ? (
        <ErrorNotice error={insights.error} onRetry={() => void insights.refetch()} testId="insights-error" />
      ) : !data ? (
        <p className="hint" aria-busy="true">
          {t('insights.loading')}
        </p>
      ) : data.status === 'insufficient' ? (
        <p className="notice notice-warning" data-testid="insights-insufficient">
          {tp('insights.insufficient', data.observation.days, {
            count: numberWords(language, data.observation.days),
            minimum: data.observation.minimumDays,
          })}
        </p>
      ) : (
        <>
          <p className="hint" data-testid="insights-basis">
            {tp('insights.basis', data.observation.days, {
              count: numberWords(language, data.observation.days),
              from: dayWords(language, data.observation.firstDay ?? data.observation.from),
            })}
          </p>
          {data.suggestion && (
            <p data-testid="insights-suggestion">
              {data.suggestion.timesX0 !== null
                ? tp('insights.suggest.times', data.suggestion.timesX0, {
                    threshold: data.suggestion.threshold,
                    count: numberWords(language, data.suggestion.timesX0),
                  })
                : tp('insights.suggest.perDay', data.suggestion.perDay, {
                    threshold: data.suggestion.threshold,
                    count: numberWords(language, data.suggestion.perDay),
                  })}
            </p>
          )}
          <section className="card">
            <ThresholdTable thresholds={data.thresholds} language={language} />
          </section>
          <section className="card" aria-labelledby="insights-heatmap-title">
            <h2 id="insights-heatmap-title">{t('insights.heatmap.title')}</h2>
            <Segmented
              name="insights-threshold"
              options={data.thresholds.map((f) => ({ value: f.threshold, label: `≤ x${f.threshold}` }))}
              value={threshold}
              onChange={setPicked}
            />
            <Heatmap figures={data.thresholds.find((f) => f.threshold === threshold)} threshold={threshold} language={language} />
          </section>
        </>
      )}
    </>
  );
}

function ThresholdTable({ thresholds, language }: { thresholds: ThresholdFigures[]; language: Language }) {
  const t = useT();
  return (
    <table className="insights-table" data-testid="insights-thresholds">
      <caption>{t('insights.table.caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('insights.th.threshold')}</th>
          <th scope="col">{t('insights.th.openings')}</th>
          <th scope="col">{t('insights.th.perDay')}</th>
          <th scope="col">{t('insights.th.median')}</th>
        </tr>
      </thead>
      <tbody>
        {thresholds.map((f) => (
          <tr key={f.threshold} data-testid={`insights-threshold-${f.threshold}`}>
            <th scope="row">≤ x{f.threshold}</th>
            <td>{f.openings}</td>
            <td>{numberWords(language, f.perDay, 2)}</td>
            <td>{f.medianOpenSeconds === null ? '—' : durationWords(language, f.medianOpenSeconds)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;
const HOURS = Array.from({ length: 24 }, (_, hour) => hour);

/**
 * Hours down, weekdays across: 24 rows fit a phone where 24 columns would not. Every cell says its count as text (an
 * empty cell is a zero, said to screen readers); the shade only repeats it, in a tint that keeps the theme's text legible.
 */
function Heatmap({ figures, threshold, language }: { figures: ThresholdFigures | undefined; threshold: number; language: Language }) {
  const t = useT();
  if (!figures || figures.heatmap.length === 0) {
    return (
      <p className="hint" data-testid="insights-heatmap-empty">
        {t('insights.heatmap.empty', { threshold })}
      </p>
    );
  }
  const counts = new Map(figures.heatmap.map((c) => [`${c.weekday}-${c.hour}`, c.openings]));
  const max = Math.max(...figures.heatmap.map((c) => c.openings));
  return (
    <table className="heatmap" data-testid="insights-heatmap">
      <caption>{t('insights.heatmap.caption', { threshold })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('insights.heatmap.hour')}</th>
          {WEEKDAYS.map((w) => (
            <th scope="col" key={w}>
              {weekdayName(language, w)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {HOURS.map((hour) => (
          <tr key={hour}>
            <th scope="row">{`${hour}:00`}</th>
            {WEEKDAYS.map((w) => {
              const n = counts.get(`${w}-${hour}`) ?? 0;
              return (
                <td
                  key={w}
                  data-testid={`heat-${w}-${hour}`}
                  style={n > 0 ? ({ '--heat': `${Math.round(15 + (40 * n) / max)}%` } as CSSProperties) : undefined}
                  className={n > 0 ? 'heat' : undefined}
                >
                  {n > 0 ? n : <span className="visually-hidden">0</span>}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// One task: what it is doing now, what it watches, its booking result, its timeline, and the controls.
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import type { Task } from '../api/api-types.ts';
import { queryKeys, useMe, useWarehouseName } from '../api/queries.ts';
import { formatDay, formatMoscowDateTime, formatMoscowTime } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { OfflineBanner } from '../ui/offline-banner.tsx';
import { ActionLinkButton } from './action-link-button.tsx';
import { SlotSourceLine, ToKeysButton } from './slot-source-line.tsx';
import { useCoefficientText } from './slot-wording.ts';
import { BestLine, FoundButton, NextStep, TaskBadge, useTaskTitle } from './task-card.tsx';
import { TaskControls, useTaskCommand } from './task-controls.tsx';
import { CAPTCHA_REASONS, KEYS_REASONS, reasonPhrase, taskBadge } from './task-status.ts';
import { useTimeline } from './timeline-store.ts';
import { timelineRows } from './timeline-words.ts';

/** A booking result or transfer order of this task. `tasks.get` types them as unknown[], so they are read defensively. */
interface ResultRow {
  id: string;
  status: string;
  warehouseId: number | null;
  date: string | null;
  supplyId: string | null;
  error: string | null;
}

function resultRows(list: readonly unknown[]): ResultRow[] {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return list.flatMap((item) => {
    if (typeof item !== 'object' || item === null) return [];
    const r = item as Record<string, unknown>;
    if (typeof r.id !== 'string' || typeof r.status !== 'string') return [];
    return [
      {
        id: r.id,
        status: r.status,
        warehouseId: typeof r.warehouseId === 'number' ? r.warehouseId : null,
        date: str(r.date),
        supplyId: str(r.supplyId) ?? str(r.requestId),
        error: str(r.error),
      },
    ];
  });
}

const BOOKING_STATUS = new Set(['pending', 'confirmed', 'cancelled', 'failed']);

export function TaskDetailScreen({ id }: { id: string }) {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const me = useMe();
  const name = useWarehouseName();
  const title = useTaskTitle();
  const timeline = useTimeline(id);
  const task = useQuery({ queryKey: queryKeys.task(id), queryFn: () => api.tasks.get.query({ id }), refetchInterval: 15_000 });
  const isAdmin = me.data?.isAdmin === true;
  const coefficient = useCoefficientText();
  // The actor's own history (event, from → to, time), kept by the server for the task's owner.
  const history = useQuery({ queryKey: queryKeys.timeline(id), queryFn: () => api.tasks.timeline.query({ id }), refetchInterval: 5_000 });
  const command = useTaskCommand(id);

  const state = task.data?.state;
  useMainButton(
    state === 'idle'
      ? { text: t('task.resume'), onClick: () => command.mutate('resume'), loading: command.isPending }
      : state === 'polling' || state === 'backing-off'
        ? { text: t('task.pause'), onClick: () => command.mutate('pause'), loading: command.isPending }
        : null,
  );

  if (task.isPending) return <div className="skeleton skeleton-card" aria-busy="true" />;
  // Cached data stays on screen (with the offline line) when a refetch fails; an error only when there is nothing.
  if (task.data === undefined) return <ErrorNotice error={task.error} onRetry={() => void task.refetch()} />;
  const view: Task = task.data;
  const c = view.criteria;
  const results = resultRows(task.data.bookings);
  const reason = reasonPhrase(view.reason);
  const heading = title(view);

  return (
    <>
      <OfflineBanner query={task} />
      <div className="detail-head">
        <TaskBadge task={view} />
        <h1>{heading.title}</h1>
        <p className="hint">{heading.subtitle}</p>
      </div>

      <section className="card" aria-label={t('detail.now')}>
        <h2>{t('detail.now')}</h2>
        {view.state !== 'done' && view.source ? (
          <SlotSourceLine source={view.source} testId="detail-source" />
        ) : (
          <p className="task-line">
            {view.lastCheckAt ? t('task.lastCheck', { time: formatMoscowTime(view.lastCheckAt, language) }) : t('task.lastCheck.never')}
          </p>
        )}
        {view.state !== 'done' && (
          <p className="task-line">
            <NextStep task={view} />
          </p>
        )}
        <p>
          <BestLine task={view} testId="detail-best" />
        </p>
        {view.found && view.kind === 'supply' && <FoundButton taskId={view.id} />}
        {reason && view.state !== 'backing-off' && <p className="hint">{t(reason.key)}</p>}
        {view.outcome === 'needs-action' && (view.actionUrl || (view.reason && KEYS_REASONS.has(view.reason))) && (
          <div className="notice notice-warning" data-testid="action-notice">
            {view.reason && CAPTCHA_REASONS.has(view.reason) && (
              <p>{t(view.kind === 'supply' ? 'task.action.why' : 'task.action.why.transfer')}</p>
            )}
            <div className="notice-actions">
              {view.actionUrl && <ActionLinkButton url={view.actionUrl} kind={view.kind} />}
              {view.reason && KEYS_REASONS.has(view.reason) && <ToKeysButton />}
            </div>
          </div>
        )}
        {/* Pause/Resume is this screen's MainButton: here only Cancel, so nothing is offered twice. */}
        <TaskControls task={view} withoutPause />
      </section>

      <section className="card" aria-label={t('detail.watch')}>
        <h2>{t('detail.watch')}</h2>
        {'warehouseIds' in c ? (
          <dl className="facts">
            <dt>{t('detail.warehouses')}</dt>
            <dd>
              <ol className="inline-list">
                {c.warehouseIds.map((w) => (
                  <li key={w}>{name(w)}</li>
                ))}
              </ol>
            </dd>
            <dt>{t('detail.box')}</dt>
            <dd>{t(`box.${c.boxTypeId}`)}</dd>
            <dt>{t('detail.dates')}</dt>
            <dd>
              {t('task.dates', { from: formatDay(c.dateFrom, language), to: formatDay(c.dateTo, language) })}
              {c.skipDates.length > 0 && <span className="hint"> ({c.skipDates.map((d) => formatDay(d, language)).join(', ')})</span>}
            </dd>
            <dt>{t('detail.max')}</dt>
            <dd>{c.maxCoefficient === 0 ? t('task.max.free') : t('task.max', { max: c.maxCoefficient })}</dd>
            <dt>{t('detail.mode')}</dt>
            <dd>{t(view.mode === 'autobook' ? 'task.mode.autobook' : 'task.mode.notify')}</dd>
            {c.preorderId && (
              <>
                <dt>{t('detail.preorder')}</dt>
                <dd>{c.preorderId}</dd>
              </>
            )}
          </dl>
        ) : (
          <p>{heading.title}</p>
        )}
      </section>

      <section className="card" aria-label={t('detail.result')} data-testid="detail-result">
        <h2>{t('detail.result')}</h2>
        {view.found && (
          <p>
            {t('task.found', {
              warehouse: name(view.found.warehouseId),
              date: formatDay(view.found.date, language),
              coefficient: coefficient(view.found.coefficient),
            })}
          </p>
        )}
        {results.length === 0 ? (
          <p className="hint">{t('detail.noBookings')}</p>
        ) : (
          <ul className="rows">
            {results.map((r) => (
              <li key={r.id} className="row-item" data-testid="booking-row" data-status={r.status}>
                <span
                  className={`badge badge-${r.status === 'confirmed' || r.status === 'placed' ? 'success' : r.status === 'failed' ? 'danger' : 'muted'}`}
                >
                  {BOOKING_STATUS.has(r.status) ? t(`booking.${r.status as 'pending'}`) : t('booking.other')}
                </span>
                <span className="grow">
                  {r.warehouseId !== null && `${name(r.warehouseId)}, `}
                  {r.date && formatDay(r.date, language)}
                  {r.supplyId && <span className="hint"> · {t('detail.booking', { supplyId: r.supplyId })}</span>}
                  {/* WB's own error text is English and technical: the status says it; the inspector keeps the text. */}
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section className="card" aria-label={t('detail.timeline')} data-testid="timeline">
        <h2>{t('detail.timeline')}</h2>
        <p className="hint">{t('detail.timeline.tz')}</p>
        <ol className="timeline">
          <li>
            <time>{formatMoscowDateTime(view.createdAt, language)}</time>
            <span>{t('detail.timeline.created')}</span>
          </li>
          {timelineRows(history.data ?? [], view.mode).map((row) => (
            <li key={`${row.at}-${row.key}`} data-testid="timeline-row">
              <time>{formatMoscowTime(row.at, language)}</time>
              <span>{t(row.key)}</span>
            </li>
          ))}
          {history.data?.length === 0 && timeline.at(-1) && (
            <li>
              <time>{formatMoscowTime(timeline.at(-1)!.at, language)}</time>
              <span>{t(taskBadge({ ...timeline.at(-1)!, mode: view.mode }).key)}</span>
            </li>
          )}
        </ol>
        {isAdmin && (
          <button type="button" className="link-button" onClick={() => navigate(`/inspector/${id}`)}>
            {t('detail.openInspector')}
          </button>
        )}
      </section>
    </>
  );
}

// One task in the list: live badge, what it watches, best coefficient, last check, next step, quick controls. Every row
// has a fixed height, so live updates change words, never the layout.
import type { Task } from '../api/api-types.ts';
import { useWarehouseName } from '../api/queries.ts';
import { useNow } from '../app/use-now.ts';
import { formatDay, formatMoscowTime } from '../calendar/moscow-date.ts';
import { useLanguage, useT, useTP } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { ActionLinkButton } from './action-link-button.tsx';
import { rememberBest } from './best-memory.ts';
import { sourceLine } from './slot-source.ts';
import { SlotSourceLine, ToKeysButton } from './slot-source-line.tsx';
import { useCoefficientText } from './slot-wording.ts';
import { TaskControls } from './task-controls.tsx';
import { nextStep, reasonPhrase, taskBadge } from './task-status.ts';

export function TaskBadge({ task }: { task: Pick<Task, 'state' | 'outcome'> & { mode?: Task['mode'] } }) {
  const t = useT();
  const badge = taskBadge(task);
  return (
    <span className={`badge badge-${badge.tone}`} data-testid="task-badge" data-state={task.state} data-outcome={task.outcome ?? ''}>
      {t(badge.key)}
    </span>
  );
}

/** "через 40 секунд" / "через 2 минуты": whole units, plural forms of the language. */
export function useDuration(): (seconds: number) => string {
  const tp = useTP();
  return (seconds) => (seconds < 60 ? tp('duration.seconds', seconds) : tp('duration.minutes', Math.ceil(seconds / 60)));
}

/**
 * What the task does now, in the seller's words ("WB limited our requests — we carry on in 40 seconds"); it ticks only
 * when there is a real moment to count down to.
 */
export function NextStep({ task }: { task: Task }) {
  const t = useT();
  const now = useNow();
  const duration = useDuration();
  const step = nextStep(task, now);
  const reason = reasonPhrase(task.reason);
  const vars = step?.vars && typeof step.vars.seconds === 'number' ? { ...step.vars, in: duration(step.vars.seconds) } : step?.vars;
  // A backoff's own sentence already says why; other states add the reason when there is one.
  const parts = [step && t(step.key, vars), reason && task.state !== 'polling' && task.state !== 'backing-off' && t(reason.key)].filter(
    Boolean,
  );
  // A non-breaking space keeps the line's height when there is nothing to say.
  return <span data-testid="task-next">{parts.join(' · ') || '\u00a0'}</span>;
}

export function useTaskTitle(): (task: Task) => { title: string; subtitle: string } {
  const t = useT();
  const tp = useTP();
  const language = useLanguage();
  const name = useWarehouseName();
  return (task) => {
    const c = task.criteria;
    if ('warehouseIds' in c) {
      const [first, ...rest] = c.warehouseIds;
      const dates = t('task.dates', { from: formatDay(c.dateFrom, language), to: formatDay(c.dateTo, language) });
      const skipped = c.skipDates.length ? `, ${tp('task.skipped', c.skipDates.length)}` : '';
      return {
        title: `${first === undefined ? '' : name(first)}${rest.length ? ` +${rest.length}` : ''}`,
        subtitle: `${t(`box.${c.boxTypeId}`)} · ${dates}${skipped}`,
      };
    }
    return {
      title: t('task.transfer', { nmId: c.nmId, units: c.units, from: name(c.srcWarehouseId), to: name(c.dstWarehouseId) }),
      subtitle: t('tasks.redistribution'),
    };
  };
}

export function TaskCard({ task }: { task: Task }) {
  const t = useT();
  const language = useLanguage();
  const { title, subtitle } = useTaskTitle()(task);
  const c = task.criteria;
  const open = () => navigate(`/tasks/${task.id}`);
  // A running supply task says where its data comes from instead of when it last looked: "checked 2 s ago" over no data
  // at all would be a lie.
  const liveSource = task.state !== 'done' ? task.source : null;
  const needsKeys = liveSource?.kind === 'none' && sourceLine(liveSource, 0, t).toKeys;
  return (
    <article className="card task-card" data-testid="task-card" data-task-id={task.id}>
      <div className="task-card-head">
        <TaskBadge task={task} />
        <span className="hint task-mode">
          {t(task.mode === 'autobook' ? 'task.mode.autobook' : 'task.mode.notify')}
          {'maxCoefficient' in c ? ` · ${c.maxCoefficient === 0 ? t('task.max.free') : t('task.max', { max: c.maxCoefficient })}` : ''}
        </span>
      </div>
      <button type="button" className="task-card-body" onClick={open}>
        <span className="task-title">{title}</span>
        <span className="task-line hint">{subtitle}</span>
        <BestLine task={task} testId="task-best" />
        {/* Two fixed lines: "WB limited our requests — we carry on in 40 seconds" wraps between words, never cut mid-word. */}
        <span className="task-line task-line-2">
          <NextStep task={task} />
        </span>
        {liveSource ? (
          <SlotSourceLine source={liveSource} testId="task-source" compact />
        ) : (
          <span className="task-line hint">
            {task.lastCheckAt ? t('task.lastCheck', { time: formatMoscowTime(task.lastCheckAt, language) }) : t('task.lastCheck.never')}
          </span>
        )}
      </button>
      <div className="task-card-foot">
        {task.state === 'done' ? (
          <div className="task-actions">
            {task.outcome === 'needs-action' && task.actionUrl ? (
              <ActionLinkButton url={task.actionUrl} kind={task.kind} />
            ) : (
              task.found && task.kind === 'supply' && <FoundButton taskId={task.id} />
            )}
            <button type="button" className="link-button" onClick={open}>
              {t('task.open')}
            </button>
          </div>
        ) : (
          <>
            {needsKeys && (
              <div className="task-actions">
                <ToKeysButton />
              </div>
            )}
            {task.found && task.kind === 'supply' && (
              <div className="task-actions">
                <FoundButton taskId={task.id} />
              </div>
            )}
            <TaskControls task={task} />
          </>
        )}
      </div>
    </article>
  );
}

/** The way to the slot-found sheet (the cell, its age, the one tap to WB). */
export function FoundButton({ taskId }: { taskId: string }) {
  const t = useT();
  return (
    <button type="button" className="button action-button" onClick={() => navigate(`/tasks/${taskId}/found`)} data-testid="open-found">
      {t('found.open')}
    </button>
  );
}

/**
 * The found cell, or the best open one, or — when it disappeared — the last one seen and what became of it: closed (the
 * data is fresh) or unknown (the data stopped coming). Never a silent "no open slots" over a feed that went quiet.
 */
export function BestLine({ task, testId }: { task: Task; testId: string }) {
  const t = useT();
  const language = useLanguage();
  const name = useWarehouseName();
  const coefficient = useCoefficientText();
  const cell = (c: { coefficient: number; warehouseId: number; date: string }) => ({
    coefficient: coefficient(c.coefficient),
    warehouse: name(c.warehouseId),
    date: formatDay(c.date, language),
  });
  if (task.found)
    return (
      <span className="task-line" data-testid={testId} data-best="found">
        {t('task.found', cell(task.found))}
      </span>
    );
  const seenAt = task.source?.updatedAt ?? task.lastCheckAt ?? Date.parse(task.updatedAt);
  const last = task.state === 'done' ? null : rememberBest(task.id, task.bestSeen, seenAt);
  if (task.bestSeen)
    return (
      <span className="task-line" data-testid={testId} data-best="now">
        {t('task.best', cell(task.bestSeen))}
      </span>
    );
  if (last) {
    // Fresh data without the cell: it closed. No data, a backoff, or data gone stale: we only know what it was.
    const fresh = task.state === 'polling' && task.source?.kind !== 'none';
    return (
      <span className={`task-line${fresh ? '' : ' notice-text'}`} data-testid={testId} data-best={fresh ? 'closed' : 'last-known'}>
        {t(fresh ? 'task.best.was' : 'task.best.last', { ...cell(last.cell), time: formatMoscowTime(last.seenAt, language) })}
      </span>
    );
  }
  return (
    <span className="task-line" data-testid={testId} data-best="none">
      {t('task.best.none')}
    </span>
  );
}

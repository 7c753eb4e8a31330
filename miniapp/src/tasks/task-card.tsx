// One task in the list: live badge, what it watches, best coefficient, last check, next step, quick controls. Every row
// has a fixed height, so live updates change words, never the layout.
import type { Task } from '../api/api-types.ts';
import { useWarehouseName } from '../api/queries.ts';
import { useNow } from '../app/use-now.ts';
import { formatDay, formatMoscowTime } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { ActionLinkButton } from './action-link-button.tsx';
import { sourceLine } from './slot-source.ts';
import { SlotSourceLine, ToKeysButton } from './slot-source-line.tsx';
import { TaskControls } from './task-controls.tsx';
import { nextStep, reasonPhrase, taskBadge } from './task-status.ts';

export function TaskBadge({ task }: { task: Pick<Task, 'state' | 'outcome'> }) {
  const t = useT();
  const badge = taskBadge(task);
  return (
    <span className={`badge badge-${badge.tone}`} data-testid="task-badge" data-state={task.state} data-outcome={task.outcome ?? ''}>
      {t(badge.key)}
    </span>
  );
}

/** "Next check in 3 s": the only part of a card that ticks every second. */
export function NextStep({ task }: { task: Task }) {
  const t = useT();
  const now = useNow();
  const step = nextStep(task, now);
  const reason = reasonPhrase(task.reason);
  const parts = [step && t(step.key, step.vars), reason && task.state !== 'polling' && t(reason.key)].filter(Boolean);
  // A non-breaking space keeps the line's height when there is nothing to say.
  return <span data-testid="task-next">{parts.join(' · ') || '\u00a0'}</span>;
}

export function useTaskTitle(): (task: Task) => { title: string; subtitle: string } {
  const t = useT();
  const language = useLanguage();
  const name = useWarehouseName();
  return (task) => {
    const c = task.criteria;
    if ('warehouseIds' in c) {
      const [first, ...rest] = c.warehouseIds;
      const dates = t('task.dates', { from: formatDay(c.dateFrom, language), to: formatDay(c.dateTo, language) });
      const skipped = c.skipDates.length ? `, ${t('task.skipped', { count: c.skipDates.length })}` : '';
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
  const name = useWarehouseName();
  const { title, subtitle } = useTaskTitle()(task);
  const c = task.criteria;
  const slot = task.found ?? task.bestSeen;
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
          {'maxCoefficient' in c ? ` · ${t('task.max', { max: c.maxCoefficient })}` : ''}
        </span>
      </div>
      <button type="button" className="task-card-body" onClick={open}>
        <span className="task-title">{title}</span>
        <span className="task-line hint">{subtitle}</span>
        <span className="task-line" data-testid="task-best">
          {task.found
            ? t('task.found', {
                warehouse: name(task.found.warehouseId),
                date: formatDay(task.found.date, language),
                coefficient: task.found.coefficient,
              })
            : slot
              ? t('task.best', { coefficient: slot.coefficient, warehouse: name(slot.warehouseId), date: formatDay(slot.date, language) })
              : t('task.best.none')}
        </span>
        <span className="task-line">
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
            {task.outcome === 'needs-action' && task.actionUrl && <ActionLinkButton url={task.actionUrl} kind={task.kind} />}
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
            <TaskControls task={task} />
          </>
        )}
      </div>
    </article>
  );
}

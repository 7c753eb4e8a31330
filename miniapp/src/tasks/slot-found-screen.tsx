// The slot-found sheet (from a task card, the task, or a bot alert's startapp link): which cell, how long ago it was found,
// and the one tap that matters — WB's date page for the preorder through Telegram's openLink (WB asks a captcha there,
// which only the seller may answer) — plus "keep watching" and "done" as the API allows.
import type { CreateSupplyTaskInput } from '@slotpilot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { queryKeys, useWarehouseName } from '../api/queries.ts';
import { useNow } from '../app/use-now.ts';
import { formatDayWithWeekday, moscowToday } from '../calendar/moscow-date.ts';
import { useLanguage, useT, useTP } from '../i18n/i18n.tsx';
import { goBack, navigate } from '../router/router.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { confirmDestructive } from '../telegram/confirm.ts';
import { haptic } from '../telegram/haptics.ts';
import { openExternalLink } from '../telegram/links.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { usePreorders } from './preorder-picker.tsx';
import { chooseDateUrl, foundPrimary, keepWatchingChoice } from './slot-found.ts';
import { useCoefficientText } from './slot-wording.ts';
import { TaskBadge } from './task-card.tsx';
import { useTaskCommand } from './task-controls.tsx';

export function SlotFoundScreen({ id }: { id: string }) {
  const api = useApi();
  const t = useT();
  const tp = useTP();
  const language = useLanguage();
  const now = useNow();
  const name = useWarehouseName();
  const coefficient = useCoefficientText();
  const queryClient = useQueryClient();
  const task = useQuery({ queryKey: queryKeys.task(id), queryFn: () => api.tasks.get.query({ id }) });
  const command = useTaskCommand(id);
  const restart = useMutation({
    mutationFn: (input: CreateSupplyTaskInput) => api.tasks.create.mutate(input),
    onSuccess: (created) => {
      haptic.success();
      void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
      navigate(`/tasks/${created.id}`, { replace: true });
    },
    onError: () => haptic.error(),
  });

  const view = task.data;
  const primary = view ? foundPrimary(view) : null;
  // A notify task has no preorder of its own (the API keeps one only for auto-booking): the seller's own unplanned
  // preorders for this warehouse and box type are the way to WB's date page.
  const preorders = usePreorders(primary?.kind === 'no-preorder');
  const c0 = view?.criteria;
  const matching =
    view?.found && c0 && 'boxTypeId' in c0
      ? (preorders.data ?? []).filter((p) => p.warehouseId === view.found?.warehouseId && p.boxTypeId === c0.boxTypeId)
      : [];
  const [picked, setPicked] = useState<string | null>(null);
  const chosen = picked ?? matching[0]?.preorderId ?? null;
  const url = primary?.kind === 'open-wb' ? primary.url : primary?.kind === 'no-preorder' && chosen ? chooseDateUrl(chosen) : null;
  useMainButton(
    url
      ? {
          text: t('found.book'),
          onClick: () => {
            haptic.impact();
            openExternalLink(url);
          },
        }
      : null,
  );

  if (task.isPending) return <div className="skeleton skeleton-card" aria-busy="true" />;
  if (!view) return <ErrorNotice error={task.error} onRetry={() => void task.refetch()} />;
  const c = view.criteria;
  const slot = view.found;
  if (!slot || !('warehouseIds' in c)) {
    return (
      <section className="card" data-testid="found-none">
        <p>{t('found.none')}</p>
        <button type="button" className="button" onClick={() => navigate(`/tasks/${id}`, { replace: true })}>
          {t('found.toTask')}
        </button>
      </section>
    );
  }
  // When the engine matched the cell (the task view's foundAt); a task from before it was recorded says no age at all.
  const seconds = view.foundAt === null ? null : Math.max(0, Math.floor((now - view.foundAt) / 1000));
  const age =
    seconds === null
      ? ''
      : seconds < 60
        ? tp('found.age.seconds', seconds)
        : seconds < 3_600
          ? tp('found.age.minutes', Math.floor(seconds / 60))
          : tp('found.age.hours', Math.floor(seconds / 3_600));
  const keep = keepWatchingChoice(view);

  return (
    <section className="found-sheet" aria-labelledby="found-title" data-testid="slot-found">
      <div className="detail-head">
        <TaskBadge task={view} />
        <h1 id="found-title">{t('found.title')}</h1>
        {age && (
          <p className="hint" data-testid="found-age">
            {age}
          </p>
        )}
      </div>
      <dl className="card facts found-cell" data-testid="found-cell">
        <dt>{t('detail.warehouses')}</dt>
        <dd>{name(slot.warehouseId)}</dd>
        <dt>{t('found.date')}</dt>
        <dd>{formatDayWithWeekday(slot.date, language)}</dd>
        <dt>{t('detail.box')}</dt>
        <dd>{t(`box.${c.boxTypeId}`)}</dd>
        <dt>{t('detail.max')}</dt>
        <dd>{coefficient(slot.coefficient)}</dd>
      </dl>

      {primary?.kind === 'open-wb' && <p className="hint">{t('found.book.why')}</p>}
      {primary?.kind === 'booked' && <p className="notice notice-success">{t('found.booked')}</p>}
      {primary?.kind === 'no-preorder' &&
        (preorders.isPending ? (
          <p className="hint" aria-busy="true">
            {t('new.preorder.loading')}
          </p>
        ) : matching.length > 0 ? (
          <fieldset className="card found-preorders" data-testid="found-preorders">
            <legend className="hint">{t('found.pickPreorder')}</legend>
            {matching.map((p) => (
              <label key={p.preorderId} className="option">
                <input
                  type="radio"
                  name="found-preorder"
                  checked={chosen === p.preorderId}
                  onChange={() => setPicked(p.preorderId)}
                  data-testid={`found-preorder-${p.preorderId}`}
                />
                <span>{t('new.preorder.row', { id: p.preorderId, warehouse: p.warehouseName || name(p.warehouseId) })}</span>
              </label>
            ))}
            <p className="hint">{t('found.book.why')}</p>
          </fieldset>
        ) : (
          <p className="notice notice-warning" data-testid="found-no-preorder">
            {t('found.noPreorder')}
          </p>
        ))}

      <div className="found-choices">
        {keep === 'running' && (
          <>
            <p className="hint" data-testid="found-still-watching">
              {t('found.stillWatching')}
            </p>
            <button
              type="button"
              className="small-button danger"
              disabled={command.isPending}
              data-testid="found-stop"
              onClick={() =>
                void confirmDestructive({ message: t('task.cancelConfirm'), confirm: t('task.cancelYes'), keep: t('task.keep') }).then(
                  (sure) => sure && command.mutate('cancel', { onSuccess: () => goBack() }),
                )
              }
            >
              {t('found.stop')}
            </button>
          </>
        )}
        {keep === 'restart' && (
          <button
            type="button"
            className="small-button"
            disabled={restart.isPending}
            data-testid="found-keep-watching"
            onClick={() => {
              const today = moscowToday();
              if (c.dateTo < today) return;
              restart.mutate({
                kind: 'supply',
                mode: 'notify',
                warehouseIds: c.warehouseIds,
                boxTypeId: c.boxTypeId,
                // ISO dates compare as strings: the later of the task's start and today.
                dateFrom: [c.dateFrom, today].sort()[1] ?? today,
                dateTo: c.dateTo,
                skipDates: c.skipDates.filter((d) => d >= today),
                maxCoefficient: c.maxCoefficient,
                ...(c.preorderId ? { preorderId: c.preorderId } : {}),
                keepWatching: c.keepWatching,
              });
            }}
          >
            {t('found.keepWatching')}
          </button>
        )}
        <button type="button" className="small-button" data-testid="found-done" onClick={() => goBack()}>
          {t('found.done')}
        </button>
      </div>
      {restart.isError && <ErrorNotice error={restart.error} />}
      {command.isError && <ErrorNotice error={command.error} />}
    </section>
  );
}

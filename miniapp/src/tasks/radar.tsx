// The Radar home (issue 16) for returning sellers: their warehouses (pinned, then most used in their tasks, then recent
// choices) × the next 14 Moscow days, from the shared feed's calendar (refreshed while the home screen is open), with the
// data's age and source. A cell names its coefficient in words and colour; tapping it opens the slot-found sheet of a
// task of theirs that found it, or starts a task prefilled for that warehouse and day. Loaded with the home screen's
// data, outside the initial bundle.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { CalendarDay, Task } from '../api/api-types.ts';
import { queryKeys, useWarehouseName } from '../api/queries.ts';
import { useNow } from '../app/use-now.ts';
import { coefficientTone } from '../calendar/coefficient-scale.ts';
import { addDays, formatDayWithWeekday, moscowToday } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { haptic } from '../telegram/haptics.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { Segmented } from '../ui/segmented.tsx';
import { type BoxTypeId, cellAction, favouriteWarehouses, pinCandidates, radarBoxType } from './radar-logic.ts';
import { togglePin, usePins } from './radar-pins.ts';
import { recentWarehouses } from './recent-choices.ts';
import { ageText, STALE_AFTER_MS } from './slot-source.ts';
import { SlotSourceLine } from './slot-source-line.tsx';
import { taskDraft } from './task-draft.ts';

const DAYS = 14;
const BOX_TYPES: readonly BoxTypeId[] = [2, 5, 6];

export function Radar({ tasks }: { tasks: Task[] }) {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const now = useNow();
  const name = useWarehouseName();
  const pins = usePins();
  const [recent] = useState(recentWarehouses.get);
  const [boxTypeId, setBoxTypeId] = useState<BoxTypeId>(() => radarBoxType(tasks));
  const [editing, setEditing] = useState(false);
  const warehouseIds = favouriteWarehouses({ pins, tasks, recent });
  const candidates = pinCandidates({ pins, tasks, recent });
  const today = moscowToday(now);
  const dates = Array.from({ length: DAYS }, (_, i) => addDays(today, i));

  const calendar = useQuery({
    queryKey: queryKeys.calendar(warehouseIds, boxTypeId),
    queryFn: () => api.slots.calendar.query({ warehouseIds, boxTypeId }),
    enabled: warehouseIds.length > 0,
    // A warehouse the feed has no picture of yet fills in within seconds; after that, the feed's own pace.
    refetchInterval: (query) => (query.state.data?.pendingWarehouses.length ? 3_000 : 15_000),
  });
  const byDate = new Map<string, CalendarDay>((calendar.data?.days ?? []).map((d) => [d.date, d]));
  const source = calendar.data?.source;
  const stale = source !== undefined && (source.kind === 'none' || (source.updatedAt !== null && now - source.updatedAt > STALE_AFTER_MS));
  const label = (c: number) => (c <= 0 ? t('cal.free.short') : `x${c}`);

  function open(warehouseId: number, date: string, coefficient: number | null) {
    haptic.selection();
    const action = cellAction({ warehouseId, date, boxTypeId, open: coefficient === null ? null : { coefficient } }, tasks);
    if (action.kind === 'found') navigate(`/tasks/${action.taskId}/found`);
    else {
      // The form takes a parked draft once, as after a trip to Keys: it opens prefilled for this cell.
      taskDraft.save(action.draft);
      navigate('/tasks/new');
    }
  }

  if (warehouseIds.length === 0) return null;
  return (
    <section className="card radar" aria-labelledby="radar-title" data-testid="radar">
      <div className="radar-head">
        <h2 id="radar-title">{t('radar.title')}</h2>
        <button
          type="button"
          className="small-button"
          aria-expanded={editing}
          onClick={() => setEditing((e) => !e)}
          data-testid="radar-edit"
        >
          {t(editing ? 'radar.pins.done' : 'radar.pins.edit')}
        </button>
      </div>
      <Segmented
        name="radar-box"
        options={BOX_TYPES.map((id) => ({ value: id, label: t(`box.${id}`) }))}
        value={boxTypeId}
        onChange={setBoxTypeId}
      />
      {editing && (
        <div className="chips" data-testid="radar-pins">
          <p className="hint radar-pins-hint">{t('radar.pins.hint')}</p>
          {candidates.map((id) => (
            <button
              key={id}
              type="button"
              className="chip"
              aria-pressed={pins.includes(id)}
              onClick={() => {
                haptic.selection();
                togglePin(id);
              }}
              data-testid={`radar-pin-${id}`}
            >
              {pins.includes(id) ? t('radar.pinned', { name: name(id) }) : name(id)}
            </button>
          ))}
        </div>
      )}
      {calendar.isError && !calendar.data ? (
        <ErrorNotice error={calendar.error} onRetry={() => void calendar.refetch()} />
      ) : (
        <div className={`radar-scroll${stale ? ' stale' : ''}`} data-stale={stale}>
          <table className="radar-grid" aria-describedby="radar-title">
            <thead>
              <tr>
                <th scope="col" className="radar-corner">
                  {t('radar.day')}
                </th>
                {warehouseIds.map((id) => (
                  <th key={id} scope="col" data-testid={`radar-col-${id}`}>
                    {pins.includes(id) && (
                      <>
                        <span aria-hidden="true">📌 </span>
                        <span className="visually-hidden">{t('radar.pinnedMark')} </span>
                      </>
                    )}
                    {name(id)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {dates.map((date) => {
                const day = byDate.get(date);
                return (
                  <tr key={date}>
                    <th scope="row" className="radar-date">
                      {formatDayWithWeekday(date, language)}
                    </th>
                    {warehouseIds.map((id) => {
                      const cells = day?.cells.filter((c) => c.warehouseId === id) ?? [];
                      const bookable = cells
                        .filter((c) => c.allowUnload && c.coefficient >= 0)
                        .sort((a, b) => a.coefficient - b.coefficient)[0];
                      const pending = !calendar.data || calendar.data.pendingWarehouses.includes(id);
                      const known = !pending && day !== undefined && cells.length > 0;
                      const tone = known ? coefficientTone({ best: bookable ?? null }) : 'unknown';
                      const text = !known ? '·' : bookable ? label(bookable.coefficient) : '—';
                      const state = !known ? t('cal.legend.unknown') : bookable ? label(bookable.coefficient) : t('cal.legend.closed');
                      return (
                        <td key={id}>
                          <button
                            type="button"
                            className={`radar-cell tone-${tone}`}
                            data-testid={`radar-${id}-${date}`}
                            data-tone={tone}
                            aria-label={t('radar.cell', { warehouse: name(id), date: formatDayWithWeekday(date, language), state })}
                            onClick={() => open(id, date, bookable ? bookable.coefficient : null)}
                          >
                            {text}
                          </button>
                        </td>
                      );
                    })}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {/* The source line carries the age; before it can be shown (a warehouse not yet seen) or once it is old, say so. */}
      {(!calendar.data || calendar.data.pendingWarehouses.length > 0) && (
        <p className="hint radar-line" data-testid="radar-age">
          {t('cal.pending')}
        </p>
      )}
      {stale && source?.updatedAt != null && (
        <p className="notice-text radar-line" data-testid="radar-age">
          {t('radar.asOf.stale', { age: ageText(source.updatedAt, now, t) })}
        </p>
      )}
      {calendar.data && calendar.data.pendingWarehouses.length === 0 && (
        <SlotSourceLine source={calendar.data.source} testId="radar-source" />
      )}
      <p className="hint radar-line">{t('radar.hint')}</p>
    </section>
  );
}

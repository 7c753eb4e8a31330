// New supply task: warehouses in priority order, box type, the highest coefficient, notify or auto-book (with the
// preorder), and the dates on the calendar. The MainButton creates it; problems are named next to what causes them.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { CreateSupplyTask } from '../api/api-types.ts';
import { queryKeys, useWarehouses } from '../api/queries.ts';
import { apiErrorCode } from '../api/trpc.ts';
import { RangeCalendar } from '../calendar/range-calendar.tsx';
import { boundsAt, EMPTY_SELECTION, type RangeSelection, validateRange } from '../calendar/range-selection.ts';
import { useT } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { goBack, navigate } from '../router/router.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { haptic } from '../telegram/haptics.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { Segmented } from '../ui/segmented.tsx';
import { recentPreorders, recentWarehouses } from './recent-choices.ts';
import { WarehousePicker } from './warehouse-picker.tsx';

type BoxTypeId = CreateSupplyTask['boxTypeId'];
type Mode = CreateSupplyTask['mode'];

const BOX_TYPES: readonly BoxTypeId[] = [2, 5, 6];
const COEFFICIENT_PRESETS = [0, 1, 2, 3, 5, 10] as const;
const PREORDER_PATTERN = /^\d{1,20}$/;

export function NewTaskScreen() {
  const api = useApi();
  const t = useT();
  const queryClient = useQueryClient();
  const warehouses = useWarehouses();
  const keys = useQuery({ queryKey: queryKeys.keys, queryFn: () => api.keys.list.query() });
  const [recent] = useState(recentWarehouses.get);
  const [preorderRecent] = useState(recentPreorders.get);

  const [warehouseIds, setWarehouseIds] = useState<number[]>([]);
  const [boxTypeId, setBoxTypeId] = useState<BoxTypeId>(2);
  const [maxCoefficient, setMaxCoefficient] = useState(1);
  const [mode, setMode] = useState<Mode>('notify');
  const [keepWatching, setKeepWatching] = useState(false);
  const [preorderId, setPreorderId] = useState('');
  const [selection, setSelection] = useState<RangeSelection>(EMPTY_SELECTION);
  const [submitted, setSubmitted] = useState(false);

  const bounds = boundsAt();
  const calendar = useQuery({
    queryKey: queryKeys.calendar(warehouseIds, boxTypeId),
    queryFn: () => api.slots.calendar.query({ warehouseIds, boxTypeId }),
    enabled: warehouseIds.length > 0,
    // Keep the old colours while the new ones load: the grid never flashes empty.
    placeholderData: keepPreviousData,
    refetchInterval: (query) => (query.state.data?.pendingWarehouses.length ? 3_000 : 20_000),
  });
  const days = useMemo(
    () => (warehouseIds.length && calendar.data ? new Map(calendar.data.days.map((d) => [d.date, d])) : undefined),
    [calendar.data, warehouseIds.length],
  );

  const hasSession = keys.data?.some((k) => k.kind === 'portal_session' && k.valid) ?? true;
  const problems = {
    warehouses: warehouseIds.length === 0 ? ('new.warehouses.empty' as const) : null,
    range: validateRange(selection, bounds),
    preorder:
      mode !== 'autobook'
        ? null
        : preorderId.trim() === ''
          ? ('new.preorder.required' as const)
          : PREORDER_PATTERN.test(preorderId.trim())
            ? null
            : ('new.preorder.invalid' as const),
  };
  const invalid = Boolean(problems.warehouses || problems.range || problems.preorder);

  const create = useMutation({
    mutationFn: (input: CreateSupplyTask) => api.tasks.create.mutate(input),
    onSuccess: (_, input) => {
      haptic.success();
      recentWarehouses.add(input.warehouseIds);
      if (input.preorderId) recentPreorders.add(input.preorderId);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
      goBack();
    },
    onError: (error) => {
      haptic.error();
      if (apiErrorCode(error) === 'NO_CREDITS') navigate('/credits?paywall=1');
    },
  });

  function submit() {
    setSubmitted(true);
    // Re-read the clock: the screen may have stayed open past Moscow midnight.
    const range = validateRange(selection, boundsAt());
    if (invalid || range || selection.start === null || selection.end === null) {
      haptic.error();
      requestAnimationFrame(() => document.querySelector('.field-error')?.scrollIntoView({ block: 'center', behavior: 'smooth' }));
      return;
    }
    create.mutate({
      kind: 'supply',
      mode,
      warehouseIds,
      boxTypeId,
      dateFrom: selection.start,
      dateTo: selection.end,
      skipDates: [...selection.skipped],
      maxCoefficient,
      keepWatching: mode === 'notify' && keepWatching,
      ...(mode === 'autobook' ? { preorderId: preorderId.trim() } : {}),
    });
  }

  useMainButton({ text: t('new.create'), onClick: submit, loading: create.isPending });

  let status: string | null = null;
  if (warehouseIds.length === 0) status = t('cal.chooseWarehouse');
  else if (!calendar.data || calendar.data.pendingWarehouses.length) status = t('cal.pending');
  else if (calendar.data.source.state !== 'ok') status = t(`cal.source.${calendar.data.source.state}`);

  const showProblem = (key: MessageKey | null) =>
    submitted && key ? (
      <p className="field-error" role="alert">
        {t(key)}
      </p>
    ) : null;

  return (
    <>
      <h1>{t('new.title')}</h1>

      <section className="card" aria-labelledby="nt-warehouses">
        <h2 id="nt-warehouses">{t('new.warehouses')}</h2>
        <p className="hint">{t('new.warehouses.hint')}</p>
        {warehouses.isError ? (
          <ErrorNotice error={warehouses.error} onRetry={() => void warehouses.refetch()} />
        ) : (
          <WarehousePicker
            warehouses={warehouses.data?.warehouses ?? []}
            recent={recent}
            selected={warehouseIds}
            onChange={setWarehouseIds}
          />
        )}
        {showProblem(problems.warehouses)}
      </section>

      <section className="card" aria-labelledby="nt-box">
        <h2 id="nt-box">{t('new.box')}</h2>
        <Segmented
          name="box"
          options={BOX_TYPES.map((id) => ({ value: id, label: t(`box.${id}`) }))}
          value={boxTypeId}
          onChange={setBoxTypeId}
        />
      </section>

      <section className="card" aria-labelledby="nt-max">
        <h2 id="nt-max">{t('new.max')}</h2>
        <Segmented
          name="max"
          options={COEFFICIENT_PRESETS.map((c) => ({ value: c, label: `x${c}` }))}
          value={maxCoefficient}
          onChange={setMaxCoefficient}
        />
        <p className="hint">{t('new.max.hint')}</p>
      </section>

      <section className="card" aria-labelledby="nt-dates">
        <h2 id="nt-dates">{t('new.dates')}</h2>
        <RangeCalendar
          selection={selection}
          onChange={setSelection}
          bounds={bounds}
          days={days}
          status={status}
          problem={submitted ? problems.range : null}
        />
        {calendar.isError && <ErrorNotice error={calendar.error} onRetry={() => void calendar.refetch()} />}
      </section>

      <section className="card" aria-labelledby="nt-mode">
        <h2 id="nt-mode">{t('new.mode')}</h2>
        <Segmented
          name="mode"
          options={[
            { value: 'notify' as const, label: t('task.mode.notify') },
            { value: 'autobook' as const, label: t('task.mode.autobook') },
          ]}
          value={mode}
          onChange={setMode}
        />
        {mode === 'notify' ? (
          <>
            <p className="hint">{t('new.mode.notify.hint')}</p>
            <label className="toggle-row">
              <input type="checkbox" checked={keepWatching} onChange={(e) => setKeepWatching(e.target.checked)} />
              <span>{t('new.keepWatching')}</span>
            </label>
          </>
        ) : (
          <>
            <p className="hint">{t('new.mode.autobook.hint')}</p>
            <p className="notice notice-warning" data-testid="autobook-warning">
              {t('new.autobook.warning')}
            </p>
            {!hasSession && (
              <div className="notice notice-error" data-testid="autobook-no-session">
                <p>{t('new.autobook.noSession')}</p>
                <button type="button" className="link-button" onClick={() => navigate('/keys')}>
                  {t('error.toKeys')}
                </button>
              </div>
            )}
            <label className="field">
              <span>{t('new.preorder')}</span>
              <input
                className="input"
                inputMode="numeric"
                autoComplete="off"
                placeholder={t('new.preorder.placeholder')}
                value={preorderId}
                onChange={(e) => setPreorderId(e.target.value)}
                data-testid="preorder-input"
              />
            </label>
            {preorderRecent.length > 0 && (
              <div className="chips">
                <span className="hint">{t('new.preorder.recent')}:</span>
                {preorderRecent.map((id) => (
                  <button key={id} type="button" className="chip" onClick={() => setPreorderId(id)}>
                    {id}
                  </button>
                ))}
              </div>
            )}
            <p className="hint">{t('new.preorder.hint')}</p>
            {showProblem(problems.preorder)}
          </>
        )}
      </section>

      {create.isError && apiErrorCode(create.error) !== 'NO_CREDITS' && <ErrorNotice error={create.error} testId="create-error" />}
    </>
  );
}

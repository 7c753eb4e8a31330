// New supply task: warehouses in priority order, box type, the highest coefficient, notify or auto-book (with a preorder
// picked from the seller's WB portal), and the dates on the calendar, which says where its data comes from. The MainButton
// creates it; problems are named next to what causes them. The draft survives a trip to Keys or Credits and back.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { CreateSupplyTask } from '../api/api-types.ts';
import { queryKeys, useWarehouseName, useWarehouses } from '../api/queries.ts';
import { apiErrorCode } from '../api/trpc.ts';
import { RangeCalendar } from '../calendar/range-calendar.tsx';
import { boundsAt, EMPTY_SELECTION, type RangeSelection, validateRange } from '../calendar/range-selection.ts';
import { useT } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { InsightLine } from '../insights/insight-line.tsx';
import { PreorderCostsLine } from '../insights/preorder-costs-line.tsx';
import { goBack, navigate } from '../router/router.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { haptic } from '../telegram/haptics.ts';
import { askWriteAccessOnce } from '../telegram/write-access.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { Segmented } from '../ui/segmented.tsx';
import { type PickedPreorder, PreorderPicker, usePreorders } from './preorder-picker.tsx';
import { recentWarehouses } from './recent-choices.ts';
import { STALE_AFTER_MS } from './slot-source.ts';
import { SlotSourceLine } from './slot-source-line.tsx';
import { keepsDraft, taskDraft } from './task-draft.ts';
import { WarehousePicker } from './warehouse-picker.tsx';

type BoxTypeId = CreateSupplyTask['boxTypeId'];
type Mode = CreateSupplyTask['mode'];

const BOX_TYPES: readonly BoxTypeId[] = [2, 5, 6];
const COEFFICIENT_PRESETS = [0, 1, 2, 3, 5, 10] as const;

export function NewTaskScreen() {
  const api = useApi();
  const t = useT();
  const queryClient = useQueryClient();
  const warehouses = useWarehouses();
  const keys = useQuery({ queryKey: queryKeys.keys, queryFn: () => api.keys.list.query() });
  const [recent] = useState(recentWarehouses.get);
  const [draft] = useState(taskDraft.get);

  const [warehouseIds, setWarehouseIds] = useState<number[]>(draft?.warehouseIds ?? []);
  const [boxTypeId, setBoxTypeId] = useState<BoxTypeId>(draft?.boxTypeId ?? 2);
  const [maxCoefficient, setMaxCoefficient] = useState(draft?.maxCoefficient ?? 1);
  const [mode, setMode] = useState<Mode>(draft?.mode ?? 'notify');
  const [keepWatching, setKeepWatching] = useState(draft?.keepWatching ?? false);
  const [preorderId, setPreorderId] = useState(draft?.preorderId ?? '');
  // Notify tasks may name a preorder too: the slot-found sheet's "book in WB" then opens its date page.
  const [linkPreorder, setLinkPreorder] = useState(draft?.mode === 'notify' && (draft?.preorderId ?? '') !== '');
  const [selection, setSelection] = useState<RangeSelection>(draft?.selection ?? EMPTY_SELECTION);
  const [submitted, setSubmitted] = useState(false);

  // Leaving for Keys (to add a session) or Credits (the paywall) parks the draft for the way back; leaving for anywhere
  // else, or opening the app anew, starts a fresh form. Unmounting happens after the URL changed (push or popstate), so
  // the URL says where the seller went. A parked draft is taken once.
  const latest = useRef({ warehouseIds, boxTypeId, maxCoefficient, mode, keepWatching, preorderId, selection });
  latest.current = { warehouseIds, boxTypeId, maxCoefficient, mode, keepWatching, preorderId, selection };
  useEffect(() => {
    taskDraft.clear();
    return () => {
      if (keepsDraft(location.pathname)) taskDraft.save(latest.current);
    };
  }, []);

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
  // The same query as the picker's: the chosen preorder's warehouse and box type are checked against the form.
  const withPreorder = mode === 'autobook' || linkPreorder;
  const preorders = usePreorders(withPreorder && hasSession);
  const chosenPreorder = preorders.data?.find((p) => p.preorderId === preorderId) ?? null;
  const name = useWarehouseName();
  const problems = {
    warehouses: warehouseIds.length === 0 ? ('new.warehouses.empty' as const) : null,
    range: validateRange(selection, bounds),
    preorder: !withPreorder
      ? null
      : preorderId === ''
        ? mode === 'autobook'
          ? ('new.preorder.required' as const)
          : ('new.preorder.requiredNotify' as const)
        : chosenPreorder && (!warehouseIds.includes(chosenPreorder.warehouseId) || chosenPreorder.boxTypeId !== boxTypeId)
          ? ('new.preorder.mismatch' as const)
          : null,
  };
  const invalid = Boolean(problems.warehouses || problems.range || problems.preorder);

  /**
   * A preorder belongs to one warehouse and box type. Auto-booking watches exactly those (the server insists); a notify
   * task keeps its other warehouses and adds the preorder's, first.
   */
  function pickPreorder(preorder: PickedPreorder) {
    setPreorderId(preorder.preorderId);
    setBoxTypeId(preorder.boxTypeId);
    if (mode === 'autobook') setWarehouseIds([preorder.warehouseId]);
    else setWarehouseIds((ids) => (ids.includes(preorder.warehouseId) ? ids : [preorder.warehouseId, ...ids].slice(0, 10)));
  }

  const create = useMutation({
    mutationFn: (input: CreateSupplyTask) => api.tasks.create.mutate(input),
    onSuccess: (_, input) => {
      haptic.success();
      recentWarehouses.add(input.warehouseIds);
      void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
      // The first notify task is when alerts start to matter: ask Telegram once whether the bot may write.
      if (input.mode === 'notify') askWriteAccessOnce();
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
      ...(withPreorder && preorderId ? { preorderId } : {}),
    });
  }

  useMainButton({ text: t('new.create'), onClick: submit, loading: create.isPending });

  let status: string | null = null;
  if (warehouseIds.length === 0) status = t('cal.chooseWarehouse');
  else if (!calendar.data || calendar.data.pendingWarehouses.length) status = t('cal.pending');
  else if (calendar.data.source.kind !== 'none' && calendar.data.source.state !== 'ok')
    status = t(`cal.source.${calendar.data.source.state}`);

  const showProblem = (key: MessageKey | null, vars?: Record<string, string | number>) =>
    submitted && key ? (
      <p className="field-error" role="alert">
        {t(key, vars)}
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
        {/* The first warehouse is the one the seller ranked highest: its history speaks for the chosen maximum. */}
        {warehouseIds[0] !== undefined && (
          <InsightLine warehouseId={warehouseIds[0]} boxTypeId={boxTypeId} maxCoefficient={maxCoefficient} />
        )}
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
          maxCoefficient={maxCoefficient}
          asOf={warehouseIds.length > 0 && calendar.data ? calendar.data.source.updatedAt : null}
          stale={
            calendar.data !== undefined &&
            (calendar.data.source.kind === 'none' ||
              (calendar.data.source.updatedAt !== null && Date.now() - calendar.data.source.updatedAt > STALE_AFTER_MS))
          }
          warehouseName={name}
          details={{ warehouseIds, boxTypeId }}
        />
        {/* While a warehouse has no picture yet the calendar says it is loading; "no source" would be premature. */}
        {warehouseIds.length > 0 && calendar.data && calendar.data.pendingWarehouses.length === 0 && (
          <SlotSourceLine source={calendar.data.source} testId="calendar-source" />
        )}
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
            {hasSession && (
              <label className="toggle-row">
                <input
                  type="checkbox"
                  checked={linkPreorder}
                  onChange={(e) => setLinkPreorder(e.target.checked)}
                  data-testid="notify-link-preorder"
                />
                <span>{t('new.notify.preorder')}</span>
              </label>
            )}
            {hasSession && linkPreorder && (
              <>
                <p className="hint">{t('new.notify.preorder.hint')}</p>
                <PreorderPicker value={preorderId} onPick={pickPreorder} warehouseIds={warehouseIds} boxTypeId={boxTypeId} />
              </>
            )}
            {linkPreorder &&
              showProblem(
                problems.preorder,
                chosenPreorder
                  ? { id: chosenPreorder.preorderId, warehouse: chosenPreorder.warehouseName, box: t(`box.${chosenPreorder.boxTypeId}`) }
                  : undefined,
              )}
          </>
        ) : (
          <>
            <p className="notice notice-warning" data-testid="autobook-note">
              {t('new.autobook.captcha')}
            </p>
            <p className="hint">{t('new.mode.autobook.hint')}</p>
            {!hasSession ? (
              <div className="notice notice-error" data-testid="autobook-no-session">
                <p>{t('new.autobook.noSession')}</p>
                <button type="button" className="link-button" onClick={() => navigate('/keys')} data-testid="autobook-to-keys">
                  {t('error.toKeys')}
                </button>
              </div>
            ) : (
              <>
                <h3 className="field-title">{t('new.preorder')}</h3>
                <p className="hint">{t('new.preorder.hint')}</p>
                <PreorderPicker value={preorderId} onPick={pickPreorder} warehouseIds={warehouseIds} boxTypeId={boxTypeId} />
                {chosenPreorder && !problems.preorder && (
                  <p className="hint" data-testid="preorder-chosen">
                    {t('new.preorder.chosen', { warehouse: name(chosenPreorder.warehouseId), box: t(`box.${chosenPreorder.boxTypeId}`) })}
                  </p>
                )}
              </>
            )}
            {showProblem(
              problems.preorder,
              chosenPreorder
                ? { id: chosenPreorder.preorderId, warehouse: chosenPreorder.warehouseName, box: t(`box.${chosenPreorder.boxTypeId}`) }
                : undefined,
            )}
          </>
        )}
        {/* Once the preorder and the dates are known: what WB's portal says its acceptance would cost on them. */}
        {withPreorder && hasSession && chosenPreorder && selection.start && selection.end && !problems.range && (
          <PreorderCostsLine
            preorderId={chosenPreorder.preorderId}
            dateFrom={selection.start}
            dateTo={selection.end}
            skipped={selection.skipped}
          />
        )}
      </section>

      {create.isError && apiErrorCode(create.error) !== 'NO_CREDITS' && <ErrorNotice error={create.error} testId="create-error" />}
    </>
  );
}

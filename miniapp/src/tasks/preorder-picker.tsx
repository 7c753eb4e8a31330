// The auto-booking task's preorder: one of the seller's not-yet-planned preorders read from the WB portal
// (`preorders.list`), or a new one made here on the seller's explicit tap (`preorders.create`: draft, goods, preorder —
// WB asks no captcha for these). Loading, empty and failed lists each say what is going on and how to go on.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { CreatePreorder, Preorder } from '../api/api-types.ts';
import { queryKeys, useWarehouseName } from '../api/queries.ts';
import { formatMoscowDateTime } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import { haptic } from '../telegram/haptics.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { EMPTY_ROW, type GoodsRow, goodsProblems, MAX_GOODS_ROWS, toGoods } from './preorder-goods.ts';

export type PickedPreorder = Pick<Preorder, 'preorderId' | 'warehouseId' | 'boxTypeId'>;

export interface PreorderPickerProps {
  value: string;
  onPick: (preorder: PickedPreorder) => void;
  /** The task form's warehouses and box type: where a new preorder goes. */
  warehouseIds: readonly number[];
  boxTypeId: CreatePreorder['boxTypeId'];
}

export function usePreorders(enabled: boolean) {
  const api = useApi();
  // The server caches the list for a minute per user (one portal read); a minute here too spares the round trip.
  return useQuery({ queryKey: queryKeys.preorders, queryFn: () => api.preorders.list.query(), enabled, staleTime: 60_000, retry: 0 });
}

export function PreorderPicker({ value, onPick, warehouseIds, boxTypeId }: PreorderPickerProps) {
  const t = useT();
  const language = useLanguage();
  const preorders = usePreorders(true);
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  const reload = (
    <button
      type="button"
      className="link-button"
      disabled={preorders.isFetching}
      onClick={() => void preorders.refetch()}
      data-testid="preorder-reload"
    >
      {t('new.preorder.reload')}
    </button>
  );
  const createButton = !creating && (
    <button type="button" className="small-button" onClick={() => setCreating(true)} data-testid="preorder-create-open">
      {t('preorder.new.open')}
    </button>
  );

  let body: ReactNode;
  if (preorders.isPending) {
    body = (
      <p className="hint" aria-busy="true" data-testid="preorder-loading">
        {t('new.preorder.loading')}
      </p>
    );
  } else if (preorders.isError) {
    body = (
      <>
        <ErrorNotice error={preorders.error} testId="preorder-error" />
        <div className="notice-actions">{reload}</div>
      </>
    );
  } else if (preorders.data.length === 0) {
    body = (
      <>
        <p className="hint" data-testid="preorder-empty">
          {t('new.preorder.empty')}
        </p>
        <div className="task-actions">
          {createButton}
          {reload}
        </div>
      </>
    );
  } else {
    body = (
      <>
        <div className="preorder-list" role="radiogroup" aria-label={t('new.preorder')} data-testid="preorder-list">
          {preorders.data.map((p) => (
            <label key={p.preorderId} className={`preorder-option${p.preorderId === value ? ' selected' : ''}`}>
              <input
                type="radio"
                name="preorder"
                value={p.preorderId}
                checked={p.preorderId === value}
                onChange={() => {
                  haptic.selection();
                  onPick(p);
                }}
                data-testid={`preorder-${p.preorderId}`}
              />
              <span className="grow">
                <span className="preorder-title">{t('new.preorder.row', { id: p.preorderId, warehouse: p.warehouseName })}</span>
                <span className="hint preorder-meta">
                  {t('new.preorder.meta', { box: t(`box.${p.boxTypeId}`), date: formatMoscowDateTime(p.createdAt, language) })}
                  {p.sellerName ? ` · ${p.sellerName}` : ''}
                </span>
              </span>
            </label>
          ))}
        </div>
        <div className="task-actions">
          {createButton}
          {reload}
        </div>
      </>
    );
  }

  return (
    <div className="preorder-picker">
      {body}
      {created && (
        <p className="notice notice-success" role="status" data-testid="preorder-created">
          {t('preorder.new.created', { id: created })}
        </p>
      )}
      {creating && (
        <NewPreorderForm
          warehouseIds={warehouseIds}
          boxTypeId={boxTypeId}
          onCancel={() => setCreating(false)}
          onCreated={(preorder) => {
            setCreating(false);
            setCreated(preorder.preorderId);
            onPick(preorder);
          }}
        />
      )}
    </div>
  );
}

function NewPreorderForm({
  warehouseIds,
  boxTypeId,
  onCancel,
  onCreated,
}: {
  warehouseIds: readonly number[];
  boxTypeId: CreatePreorder['boxTypeId'];
  onCancel: () => void;
  onCreated: (preorder: PickedPreorder) => void;
}) {
  const api = useApi();
  const t = useT();
  const name = useWarehouseName();
  const queryClient = useQueryClient();
  const [chosenWarehouse, setChosenWarehouse] = useState<number | null>(null);
  const [rows, setRows] = useState<GoodsRow[]>([EMPTY_ROW]);
  const [submitted, setSubmitted] = useState(false);
  // The first of the task's warehouses unless the seller picked another of them; never one the task does not watch.
  const warehouseId = chosenWarehouse !== null && warehouseIds.includes(chosenWarehouse) ? chosenWarehouse : (warehouseIds[0] ?? null);
  const problems = goodsProblems(rows);

  const create = useMutation({
    mutationFn: (input: CreatePreorder) => api.preorders.create.mutate(input),
    onSuccess: ({ preorderId }, input) => {
      haptic.success();
      void queryClient.invalidateQueries({ queryKey: queryKeys.preorders });
      onCreated({ preorderId, warehouseId: input.warehouseId, boxTypeId: input.boxTypeId });
    },
    onError: () => haptic.error(),
  });

  function submit() {
    setSubmitted(true);
    if (warehouseId === null || problems.length > 0) {
      haptic.error();
      return;
    }
    create.mutate({ warehouseId, boxTypeId, goods: toGoods(rows) });
  }

  const setRow = (index: number, patch: Partial<GoodsRow>) =>
    setRows((current) => current.map((row, i) => (i === index ? { ...row, ...patch } : row)));

  return (
    <fieldset className="preorder-form" data-testid="preorder-form">
      <legend>{t('preorder.new.title')}</legend>
      <p className="hint">{t('preorder.new.hint')}</p>
      {warehouseId === null ? (
        <p className="field-error" role="alert">
          {t('preorder.new.noWarehouse')}
        </p>
      ) : (
        <label className="field">
          <span>{t('preorder.new.warehouse')}</span>
          <select
            className="input"
            value={warehouseId}
            onChange={(e) => setChosenWarehouse(Number(e.target.value))}
            data-testid="preorder-form-warehouse"
          >
            {warehouseIds.map((id) => (
              <option key={id} value={id}>
                {name(id)}
              </option>
            ))}
          </select>
        </label>
      )}
      <p className="hint">{t('preorder.new.box', { box: t(`box.${boxTypeId}`) })}</p>
      <ol className="goods-rows">
        {rows.map((row, index) => (
          // Rows have no identity but their place; a removed row shifts the rest, as the numbers say.
          // biome-ignore lint/suspicious/noArrayIndexKey: see above
          <li key={index} className="goods-row">
            <input
              className="input"
              aria-label={`${t('preorder.new.barcode')} ${index + 1}`}
              placeholder={t('preorder.new.barcode')}
              autoComplete="off"
              maxLength={64}
              value={row.barcode}
              onChange={(e) => setRow(index, { barcode: e.target.value })}
              data-testid={`goods-barcode-${index}`}
            />
            <input
              className="input goods-quantity"
              aria-label={`${t('preorder.new.quantity')} ${index + 1}`}
              inputMode="numeric"
              maxLength={6}
              value={row.quantity}
              onChange={(e) => setRow(index, { quantity: e.target.value })}
              data-testid={`goods-quantity-${index}`}
            />
            <button
              type="button"
              className="small-button"
              disabled={rows.length === 1}
              aria-label={t('preorder.new.removeRow', { row: index + 1 })}
              onClick={() => setRows((current) => current.filter((_, i) => i !== index))}
            >
              ✕
            </button>
          </li>
        ))}
      </ol>
      {rows.length < MAX_GOODS_ROWS ? (
        <button type="button" className="link-button" onClick={() => setRows((current) => [...current, EMPTY_ROW])} data-testid="goods-add">
          {t('preorder.new.addRow')}
        </button>
      ) : (
        <p className="hint">{t('preorder.new.maxRows', { max: MAX_GOODS_ROWS })}</p>
      )}
      {submitted &&
        problems.map((problem) => (
          <p key={`${problem.key}-${String(problem.vars?.row ?? '')}`} className="field-error" role="alert">
            {t(problem.key, problem.vars)}
          </p>
        ))}
      {create.isError && <ErrorNotice error={create.error} testId="preorder-create-error" />}
      <div className="task-actions">
        <button type="button" className="button" disabled={create.isPending} onClick={submit} data-testid="preorder-create-submit">
          {t('preorder.new.submit')}
        </button>
        <button type="button" className="small-button" onClick={onCancel}>
          {t('app.cancel')}
        </button>
      </div>
    </fieldset>
  );
}

// Redistribution: WB's transfer quotas now, and a task that places the transfer order the moment the destination opens.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { CreateRedistributionTask } from '../api/api-types.ts';
import { queryKeys, useWarehouseName } from '../api/queries.ts';
import { apiErrorCode } from '../api/trpc.ts';
import { useT } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { navigate } from '../router/router.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { haptic } from '../telegram/haptics.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';

interface StockChoice {
  nmId: number;
  chrtId: number;
  sizeName: string;
  warehouseId: number;
  count: number;
  destinations: number[];
}

export function RedistributionScreen() {
  const api = useApi();
  const t = useT();
  const name = useWarehouseName();
  const queryClient = useQueryClient();
  const [nmInput, setNmInput] = useState('');
  const [nmIds, setNmIds] = useState<number[]>([]);
  const [choice, setChoice] = useState<StockChoice | null>(null);
  const [dst, setDst] = useState<number | null>(null);
  const [units, setUnits] = useState('');
  const [problem, setProblem] = useState<{ key: MessageKey; vars?: Record<string, number> } | null>(null);

  const limits = useQuery({
    queryKey: queryKeys.limits(nmIds),
    queryFn: () => api.redistribution.limits.query({ nmIds }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
  const quotas = limits.data?.quotas ?? [];
  const stock: StockChoice[] = (limits.data?.stock ?? []).flatMap((item) =>
    item.chrts.map((c) => ({
      nmId: item.nmID,
      chrtId: c.chrtID,
      sizeName: c.sizeName,
      warehouseId: c.warehouseID,
      count: c.count,
      destinations: c.dstWarehouseIDs,
    })),
  );
  const destinations = choice
    ? quotas.filter(
        (q) => q.officeID !== choice.warehouseId && (choice.destinations.length === 0 || choice.destinations.includes(q.officeID)),
      )
    : [];

  const create = useMutation({
    mutationFn: (input: CreateRedistributionTask) => api.redistribution.create.mutate(input),
    onSuccess: () => {
      haptic.success();
      void queryClient.invalidateQueries({ queryKey: queryKeys.tasks });
      navigate('/', { replace: true });
    },
    onError: (error) => {
      haptic.error();
      if (apiErrorCode(error) === 'NO_CREDITS') navigate('/credits?paywall=1');
    },
  });

  function find() {
    const nmId = Number(nmInput.trim());
    if (!Number.isInteger(nmId) || nmId <= 0) {
      setProblem({ key: 'redis.form.nmId' });
      return;
    }
    setProblem(null);
    setChoice(null);
    setDst(null);
    setNmIds([nmId]);
  }

  function submit() {
    if (nmIds.length === 0) return fail({ key: 'redis.form.nmId' });
    if (!choice) return fail({ key: 'redis.form.stock' });
    if (dst === null) return fail({ key: 'redis.form.dst' });
    const n = Number(units);
    if (!Number.isInteger(n) || n < 1 || n > choice.count) return fail({ key: 'redis.form.units', vars: { max: choice.count } });
    setProblem(null);
    create.mutate({
      kind: 'redistribution',
      nmId: choice.nmId,
      chrtId: choice.chrtId,
      ...(choice.sizeName ? { sizeName: choice.sizeName } : {}),
      srcWarehouseId: choice.warehouseId,
      dstWarehouseId: dst,
      units: n,
    });
  }

  function fail(p: { key: MessageKey; vars?: Record<string, number> }) {
    setProblem(p);
    haptic.error();
  }

  useMainButton({ text: t('redis.create'), onClick: submit, loading: create.isPending });

  return (
    <>
      <h1>{t('redis.title')}</h1>
      <p className="hint">{t('redis.intro')}</p>

      {limits.isError ? (
        <ErrorNotice error={limits.error} onRetry={() => void limits.refetch()} testId="limits-error" />
      ) : (
        <section className="card" aria-labelledby="redis-limits">
          <h2 id="redis-limits">{t('redis.limits')}</h2>
          {limits.isPending ? (
            <div className="skeleton skeleton-card" aria-busy="true" />
          ) : (
            <div className="table-scroll">
              <table className="table" data-testid="limits-table">
                <thead>
                  <tr>
                    <th>{t('redis.col.warehouse')}</th>
                    <th className="num">{t('redis.col.src')}</th>
                    <th className="num">{t('redis.col.dst')}</th>
                  </tr>
                </thead>
                <tbody>
                  {quotas.map((q) => (
                    <tr key={q.officeID}>
                      <td>{q.officeName || name(q.officeID)}</td>
                      <td className="num">{q.srcQuota}</td>
                      <td className={`num${q.dstQuota > 0 ? ' positive' : ''}`}>{q.dstQuota}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}

      <section className="card" aria-labelledby="redis-task">
        <h2 id="redis-task">{t('redis.stock')}</h2>
        <div className="row">
          <input
            className="input grow"
            inputMode="numeric"
            placeholder={t('redis.nmId')}
            value={nmInput}
            onChange={(e) => setNmInput(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && find()}
            data-testid="redis-nm"
          />
          <button type="button" className="small-button" onClick={find}>
            {t('redis.find')}
          </button>
        </div>
        {nmIds.length > 0 && limits.data && stock.length === 0 && <p className="hint">{t('redis.stock.none')}</p>}
        {stock.length > 0 && (
          <ul className="warehouse-options short">
            {stock.map((s) => (
              <li key={`${s.chrtId}-${s.warehouseId}`}>
                <label className="option">
                  <input
                    type="radio"
                    name="stock"
                    checked={choice?.chrtId === s.chrtId && choice.warehouseId === s.warehouseId}
                    onChange={() => {
                      haptic.selection();
                      setChoice(s);
                      setDst(null);
                    }}
                  />
                  <span className="grow">
                    {s.sizeName || s.chrtId} · {name(s.warehouseId)}
                    <span className="hint option-sub">{t('redis.pieces', { count: s.count })}</span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
        {choice && (
          <>
            <h2>{t('redis.dst')}</h2>
            <ul className="warehouse-options short">
              {destinations.map((q) => (
                <li key={q.officeID}>
                  <label className="option">
                    <input
                      type="radio"
                      name="dst"
                      checked={dst === q.officeID}
                      onChange={() => {
                        haptic.selection();
                        setDst(q.officeID);
                      }}
                    />
                    <span className="grow">
                      {q.officeName || name(q.officeID)}
                      <span className="hint option-sub">
                        {t('redis.col.dst')}: {q.dstQuota}
                      </span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <label className="field">
              <span>{t('redis.units')}</span>
              <input
                className="input"
                inputMode="numeric"
                value={units}
                onChange={(e) => setUnits(e.target.value)}
                data-testid="redis-units"
              />
            </label>
          </>
        )}
        {problem && (
          <p className="field-error" role="alert">
            {t(problem.key, problem.vars)}
          </p>
        )}
      </section>
      {create.isError && apiErrorCode(create.error) !== 'NO_CREDITS' && <ErrorNotice error={create.error} />}
    </>
  );
}

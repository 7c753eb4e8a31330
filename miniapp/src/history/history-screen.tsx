// What SlotPilot did for this seller: bookings, transfer orders, and the credits left.
import type { BookingStatus, RedistributionStatus } from '@slotpilot/shared';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import { queryKeys, useMe, useWarehouseName } from '../api/queries.ts';
import { formatDay, formatMoscowDateTime } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { navigate } from '../router/router.ts';
import { coefficientText } from '../tasks/slot-wording.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { OfflineBanner } from '../ui/offline-banner.tsx';
import { ledgerRows } from './ledger-rows.ts';

type LedgerKind = MessageKey extends `ledger.${infer K}` ? K : never;

const TONE: Record<string, string> = { confirmed: 'success', placed: 'success', failed: 'danger', pending: 'busy', cancelled: 'muted' };

export function HistoryScreen() {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const me = useMe();
  const name = useWarehouseName();
  const history = useQuery({ queryKey: queryKeys.history, queryFn: () => api.bookings.list.query() });
  const ledger = useQuery({ queryKey: ['ledger'], queryFn: () => api.billing.ledger.query() });
  // WB's own error texts (English, technical) stay out of the seller's history: the status says what happened.
  useMainButton(null);

  return (
    <>
      <h1>{t('history.title')}</h1>
      <section className="card" aria-labelledby="history-credits">
        <h2 id="history-credits">{t('history.credits')}</h2>
        <p>{me.data ? t('history.credits.left', { trial: me.data.credits.trial, paid: me.data.credits.paid }) : '…'}</p>
        {ledger.data && ledger.data.length > 0 && (
          <ul className="rows" data-testid="history-ledger">
            {ledgerRows(ledger.data).map((entry) => (
              <li key={entry.id} className="row-item" data-testid="ledger-row" data-kind={entry.kind}>
                <span className={`badge badge-${entry.delta > 0 ? 'success' : entry.delta < 0 ? 'busy' : 'muted'}`}>
                  {entry.delta > 0 ? `+${entry.delta}` : entry.delta}
                </span>
                <span className="grow">
                  {t(`ledger.${entry.kind as LedgerKind}`)}
                  <span className="hint option-sub">
                    {t('time.msk', { time: formatMoscowDateTime(entry.at, language) })} · {t(`ledger.bucket.${entry.bucket}`)}:{' '}
                    {entry.balanceAfter}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        )}
      </section>
      <OfflineBanner query={history} />
      {history.isPending ? (
        <div className="skeleton skeleton-card" aria-busy="true" />
      ) : history.data === undefined ? (
        <ErrorNotice error={history.error} onRetry={() => void history.refetch()} />
      ) : (
        <>
          <section aria-labelledby="history-bookings">
            <h2 id="history-bookings">{t('history.bookings')}</h2>
            {history.data.bookings.length === 0 ? (
              <p className="card hint" data-testid="history-bookings-none">
                {t('history.bookings.none')}
              </p>
            ) : (
              <ul className="rows card" data-testid="history-bookings">
                {history.data.bookings.map((b) => (
                  <li key={b.id}>
                    <button type="button" className="row-item row-button" onClick={() => navigate(`/tasks/${b.taskId}`)}>
                      <span className={`badge badge-${TONE[b.status] ?? 'muted'}`}>{t(`booking.${b.status as BookingStatus}`)}</span>
                      <span className="grow">
                        {name(b.warehouseId)}, {formatDay(b.date, language)}
                        {b.coefficient !== null && ` · ${coefficientText(b.coefficient, t)}`} · {t(`box.${b.boxTypeId as 2 | 5 | 6}`)}
                        <span className="hint option-sub">
                          {t('time.msk', { time: formatMoscowDateTime(b.createdAt, language) })}
                          {b.supplyId && ` · ${t('history.supply', { id: b.supplyId })}`}
                        </span>
                      </span>
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </section>
          <section aria-labelledby="history-transfers">
            <h2 id="history-transfers">{t('history.transfers')}</h2>
            {history.data.transfers.length === 0 ? (
              <p className="card hint">{t('history.transfers.none')}</p>
            ) : (
              <ul className="rows card" data-testid="history-transfers">
                {history.data.transfers.map((o) => (
                  <li key={o.id} className="row-item">
                    <span className={`badge badge-${TONE[o.status] ?? 'muted'}`}>{t(`transfer.${o.status as RedistributionStatus}`)}</span>
                    <span className="grow">
                      {t('task.transfer', { nmId: o.nmId, units: o.units, from: name(o.srcWarehouseId), to: name(o.dstWarehouseId) })}
                      <span className="hint option-sub">
                        {t('time.msk', { time: formatMoscowDateTime(o.createdAt, language) })}
                        {o.requestId && ` · ${o.requestId}`}
                      </span>
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </>
  );
}

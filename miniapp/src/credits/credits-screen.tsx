// Credits: free bookings left, packs, buying with Telegram Stars. With `paywall`, it opens as the paywall the API's
// "no credits" answer leads to.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { billingApi } from '../api/billing-api.ts';
import { queryKeys, useMe } from '../api/queries.ts';
import { useT } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { useMainButton } from '../telegram/buttons.ts';
import { haptic } from '../telegram/haptics.ts';
import { type InvoiceOutcome, openStarsInvoice } from '../telegram/invoice.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';

const OUTCOME_TEXT: Record<InvoiceOutcome, MessageKey> = {
  paid: 'credits.paidOk',
  pending: 'credits.paidOk',
  cancelled: 'credits.cancelled',
  failed: 'credits.failed',
  unavailable: 'credits.outsideTelegram',
};

export function CreditsScreen({ paywall }: { paywall: boolean }) {
  const api = useApi();
  const t = useT();
  const me = useMe();
  const queryClient = useQueryClient();
  const billing = billingApi(api);
  const packs = useQuery({ queryKey: queryKeys.packs, queryFn: () => billing.packs(), staleTime: 10 * 60_000, retry: false });
  const [packId, setPackId] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<InvoiceOutcome | null>(null);

  const chosen = packs.data?.find((p) => p.id === packId) ?? packs.data?.[0];
  // The paywall follows the balance, not the link: "/credits?paywall=1" opened with credits left is the plain Credits
  // screen, and an empty balance shows the paywall however the screen was reached.
  const showPaywall = me.data !== undefined && me.data.credits.trial + me.data.credits.paid === 0;

  const buy = useMutation({
    mutationFn: async (id: string) => openStarsInvoice((await billing.createInvoice(id)).invoiceLink),
    onMutate: () => setOutcome(null),
    onSuccess: (result) => {
      setOutcome(result);
      if (result === 'paid' || result === 'pending') haptic.success();
      else if (result === 'failed') haptic.error();
    },
    onError: () => haptic.error(),
  });

  // Telegram confirms the payment to the bot, which credits the ledger; the balance follows a few seconds later.
  useEffect(() => {
    if (outcome !== 'paid' && outcome !== 'pending') return;
    const started = Date.now();
    const timer = setInterval(() => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.me });
      if (Date.now() - started > 30_000) clearInterval(timer);
    }, 2_000);
    return () => clearInterval(timer);
  }, [outcome, queryClient]);

  useMainButton(
    chosen ? { text: t('credits.buy', { stars: chosen.stars }), onClick: () => buy.mutate(chosen.id), loading: buy.isPending } : null,
  );

  return (
    <>
      {showPaywall ? (
        // Announced as an alert only when the API just refused an action for want of credits (the paywall link).
        <section className="card paywall" role={paywall ? 'alert' : undefined} data-testid="paywall">
          <h1>{t('paywall.title')}</h1>
          <p>{t('paywall.text')}</p>
        </section>
      ) : (
        <h1>{t('credits.screen')}</h1>
      )}

      <section className="card balance" aria-label={t('credits.screen')}>
        <div className="balance-item">
          <span className="balance-number" data-testid="balance-trial">
            {me.data?.credits.trial ?? '…'}
          </span>
          <span className="hint">{t('credits.free')}</span>
        </div>
        <div className="balance-item">
          <span className="balance-number" data-testid="balance-paid">
            {me.data?.credits.paid ?? '…'}
          </span>
          <span className="hint">{t('credits.bought')}</span>
        </div>
      </section>
      <p className="hint">{t('credits.explain')}</p>

      <section aria-labelledby="credits-packs">
        <h2 id="credits-packs">{t('credits.packs')}</h2>
        {packs.isPending ? (
          <div className="skeleton skeleton-card" aria-busy="true" />
        ) : packs.isError ? (
          <ErrorNotice error={packs.error} onRetry={() => void packs.refetch()} />
        ) : (
          <div className="packs" role="radiogroup" data-testid="packs">
            {packs.data.map((pack) => (
              <label key={pack.id} className={`card pack${pack.id === chosen?.id ? ' selected' : ''}`}>
                <input
                  type="radio"
                  name="pack"
                  checked={pack.id === chosen?.id}
                  onChange={() => {
                    haptic.selection();
                    setPackId(pack.id);
                  }}
                />
                <span className="grow">
                  <strong>{pack.title}</strong>
                  <span className="hint option-sub">{t('credits.each', { stars: Math.round(pack.stars / pack.credits) })}</span>
                </span>
                <span className="pack-price">{pack.stars} ⭐</span>
              </label>
            ))}
          </div>
        )}
      </section>
      {outcome && (
        <p
          className={`notice ${outcome === 'paid' || outcome === 'pending' ? 'notice-success' : 'notice-warning'}`}
          role="status"
          data-testid="payment-outcome"
        >
          {t(OUTCOME_TEXT[outcome])}
        </p>
      )}
      {buy.isError && <ErrorNotice error={buy.error} />}
    </>
  );
}

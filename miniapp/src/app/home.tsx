// The first screen: who you are and how many bookings you have.
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import { apiErrorMessage } from '../api/trpc.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';

export function Home() {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const me = useQuery({ queryKey: ['me'], queryFn: () => api.me.get.query() });

  if (me.isPending)
    return (
      <p className="hint" aria-busy="true">
        {t('app.loading')}
      </p>
    );
  if (me.isError) {
    return (
      <section className="card" role="alert">
        <h2>{t('error.title')}</h2>
        <p>{apiErrorMessage(me.error, language, t('error.network'))}</p>
        <button type="button" className="button" onClick={() => void me.refetch()}>
          {t('error.retry')}
        </button>
      </section>
    );
  }
  return (
    <>
      <h1 data-testid="greeting">{t('app.greeting', { name: me.data.firstName })}</h1>
      <p className="hint">{t('app.tagline')}</p>
      <section className="card" aria-label={t('credits.title')}>
        <h2>{t('credits.title')}</h2>
        <p data-testid="credits-trial">{t('credits.trial', { count: me.data.credits.trial })}</p>
        <p>{t('credits.paid', { count: me.data.credits.paid })}</p>
      </section>
    </>
  );
}

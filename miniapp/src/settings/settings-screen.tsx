// Settings, reached from Telegram's SettingsButton (⋯ menu): the language (shared with the bot: `me.setLanguage`), whether
// alerts can reach the seller (the bot may write to them, and a test alert through the real outbox proves it), and what
// sharing a portal session with the common slot feed means.
import { LANGUAGES, type Language } from '@slotpilot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import { queryKeys } from '../api/queries.ts';
import { useT, useTP } from '../i18n/i18n.tsx';
import { chooseLanguage, useCurrentLanguage } from '../i18n/language-store.ts';
import { navigate } from '../router/router.ts';
import { haptic } from '../telegram/haptics.ts';
import { askWriteAccess, canAskWriteAccess, useWriteAccess } from '../telegram/write-access.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { Segmented } from '../ui/segmented.tsx';

const LANGUAGE_NAMES: Record<Language, string> = { ru: 'Русский', en: 'English' };

export function SettingsScreen() {
  const t = useT();
  const tp = useTP();
  const api = useApi();
  const language = useCurrentLanguage();
  const writeAccess = useWriteAccess();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: queryKeys.keys, queryFn: () => api.keys.list.query() });
  const sharing = (keys.data ?? []).filter((k) => k.shareFeed).length;
  // The screen switches at once; the server (and so the bot) follows. A failure keeps the choice here and says so.
  const saveLanguage = useMutation({
    mutationFn: (next: Language) => api.me.setLanguage.mutate({ language: next }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.me }),
  });

  return (
    <>
      <h1>{t('settings.title')}</h1>

      <section className="card" aria-labelledby="settings-language">
        <h2 id="settings-language">{t('settings.language')}</h2>
        <Segmented
          name="language"
          options={LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }))}
          value={language}
          onChange={(value) => {
            chooseLanguage(value);
            saveLanguage.mutate(value);
          }}
        />
        <p className="hint">{t('settings.language.hint')}</p>
        {saveLanguage.isError && (
          <p className="warning-text" role="alert" data-testid="settings-language-error">
            {t('settings.language.saveFailed')}
          </p>
        )}
      </section>

      <section className="card" aria-labelledby="settings-alerts" data-testid="settings-alerts" data-access={writeAccess}>
        <h2 id="settings-alerts">{t('settings.alerts')}</h2>
        <p className={writeAccess === 'denied' ? 'warning-text' : undefined}>{t(`settings.alerts.${writeAccess}`)}</p>
        {writeAccess !== 'allowed' && canAskWriteAccess() && (
          <button
            type="button"
            className="button"
            data-testid="settings-allow-alerts"
            onClick={() => void askWriteAccess().then((answer) => (answer === 'allowed' ? haptic.success() : haptic.warning()))}
          >
            {t('settings.alerts.allow')}
          </button>
        )}
        <TestAlert />
      </section>

      <section className="card" aria-labelledby="settings-feed">
        <h2 id="settings-feed">{t('settings.feed')}</h2>
        <p>{t('keys.shareFeed')}</p>
        <p className="hint" data-testid="settings-feed-count">
          {sharing > 0 ? tp('settings.feed.sharing', sharing) : t('settings.feed.off')}
        </p>
        <button type="button" className="small-button" onClick={() => navigate('/keys')}>
          {t('error.toKeys')}
        </button>
      </section>
    </>
  );
}

/** "Send a test alert": one message through the outbox and the bot, followed until it is in the chat or refused. */
function TestAlert() {
  const t = useT();
  const api = useApi();
  const [id, setId] = useState<number | null>(null);
  const send = useMutation({
    mutationFn: () => api.me.sendTestAlert.mutate(),
    onSuccess: (answer) => setId(answer.id),
    onError: () => haptic.error(),
  });
  const status = useQuery({
    queryKey: ['test-alert', id],
    queryFn: () => api.me.testAlert.query({ id: id ?? 0 }),
    enabled: id !== null,
    // Delivery takes a second or two; nothing pushes its outcome to the app.
    refetchInterval: (query) => (query.state.data === undefined || query.state.data.state === 'pending' ? 1_000 : false),
  });
  const state = id === null ? null : (status.data?.state ?? 'pending');
  return (
    <div className="test-alert" data-testid="test-alert" data-state={state ?? (send.isError ? 'error' : 'idle')}>
      <p className="hint">{t('settings.test.hint')}</p>
      <button
        type="button"
        className="small-button"
        data-testid="settings-test-alert"
        disabled={send.isPending || state === 'pending'}
        onClick={() => {
          haptic.impact();
          setId(null);
          send.mutate();
        }}
      >
        {t('settings.test')}
      </button>
      <p
        role="status"
        className={state === 'unreachable' || state === 'failed' ? 'warning-text' : undefined}
        data-testid="test-alert-state"
      >
        {state ? t(`settings.test.${state}`) : ''}
      </p>
      {state === 'unreachable' && canAskWriteAccess() && (
        <button
          type="button"
          className="button"
          data-testid="test-alert-allow"
          onClick={() => void askWriteAccess().then((answer) => (answer === 'allowed' ? haptic.success() : haptic.warning()))}
        >
          {t('settings.alerts.allow')}
        </button>
      )}
      {send.isError && <ErrorNotice error={send.error} testId="test-alert-error" />}
    </div>
  );
}

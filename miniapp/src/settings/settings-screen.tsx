// Settings, reached from Telegram's SettingsButton (⋯ menu): the app's language on this device, whether alerts can reach
// the seller (the bot may write to them), and what sharing a portal session with the common slot feed means.
import { LANGUAGES, type Language } from '@slotpilot/shared';
import { useQuery } from '@tanstack/react-query';
import { useApi } from '../api/api-context.tsx';
import { queryKeys } from '../api/queries.ts';
import { useT, useTP } from '../i18n/i18n.tsx';
import { chooseLanguage, useCurrentLanguage } from '../i18n/language-store.ts';
import { navigate } from '../router/router.ts';
import { haptic } from '../telegram/haptics.ts';
import { askWriteAccess, canAskWriteAccess, useWriteAccess } from '../telegram/write-access.ts';
import { Segmented } from '../ui/segmented.tsx';

const LANGUAGE_NAMES: Record<Language, string> = { ru: 'Русский', en: 'English' };

export function SettingsScreen() {
  const t = useT();
  const tp = useTP();
  const api = useApi();
  const language = useCurrentLanguage();
  const writeAccess = useWriteAccess();
  const keys = useQuery({ queryKey: queryKeys.keys, queryFn: () => api.keys.list.query() });
  const sharing = (keys.data ?? []).filter((k) => k.shareFeed).length;

  return (
    <>
      <h1>{t('settings.title')}</h1>

      <section className="card" aria-labelledby="settings-language">
        <h2 id="settings-language">{t('settings.language')}</h2>
        <Segmented
          name="language"
          options={LANGUAGES.map((value) => ({ value, label: LANGUAGE_NAMES[value] }))}
          value={language}
          onChange={(value) => chooseLanguage(value)}
        />
        <p className="hint">{t('settings.language.hint')}</p>
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

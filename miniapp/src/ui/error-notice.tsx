// An API error as the user sees it: the server's message in their language, and what to do about it.
import { apiErrorCode, apiErrorMessage } from '../api/trpc.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import { serverLanguage } from '../i18n/language-store.ts';
import { navigate } from '../router/router.ts';

const TO_KEYS = new Set(['NO_PORTAL_SESSION', 'NO_FEED_SOURCE', 'KEY_SESSION_REJECTED']);

export function ErrorNotice({ error, onRetry, testId }: { error: unknown; onRetry?: () => void; testId?: string }) {
  const t = useT();
  const language = useLanguage();
  const code = apiErrorCode(error);
  return (
    <div className="notice notice-error" role="alert" data-testid={testId ?? 'error'} data-code={code}>
      <p>{apiErrorMessage(error, language, t('error.network'), serverLanguage())}</p>
      <div className="notice-actions">
        {TO_KEYS.has(code) && (
          <button type="button" className="link-button" onClick={() => navigate('/keys')}>
            {t('error.toKeys')}
          </button>
        )}
        {code === 'NO_CREDITS' && (
          <button type="button" className="link-button" onClick={() => navigate('/credits?paywall=1')}>
            {t('error.toCredits')}
          </button>
        )}
        {onRetry && (code === 'NETWORK' || code === 'INTERNAL' || code.startsWith('WB_') || code === 'TASK_BUSY') && (
          <button type="button" className="link-button" onClick={onRetry}>
            {t('error.retry')}
          </button>
        )}
      </div>
    </div>
  );
}

// The line under the paste box: a recognised session and its expiry, a token's hint, or exactly what is missing from a
// portal session (the error catalogue's own message, in the seller's language). It keeps its height when empty.
import { errorMessage } from '@slotpilot/shared';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import type { SecretHint } from './secret-hints.ts';

export function LocalHint({ hint }: { hint: SecretHint | null }) {
  const t = useT();
  const language = useLanguage();
  if (!hint) return <p className="field-line hint" data-testid="key-local-hint" />;
  const text = hint.tone === 'problem' ? errorMessage(hint.code, language) : t(hint.key, hint.vars);
  const tone = hint.tone === 'ok' ? 'ok-text' : 'warning-text';
  return (
    <p
      className={`field-line ${tone}`}
      data-testid="key-local-hint"
      data-tone={hint.tone}
      data-code={hint.tone === 'problem' ? hint.code : ''}
    >
      {text}
    </p>
  );
}

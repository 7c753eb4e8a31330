// Guided portal-session capture (issue 16) on the Keys screen: one step at a time — open seller.wildberries.ru on a
// computer, the developer tools' Network tab, one request, then "Copy as cURL" or the Cookie header — and, as soon as
// something is pasted into the form's box, a checklist read locally with the shared parser: which of the pieces WB needs
// are there, the first missing one named in the seller's language. The paste stays in the form's state; it goes to the
// server only with the form's own "check and add". Fits 360×640: one step's text at a time.
import { errorMessage } from '@slotpilot/shared';
import { useEffect, useState } from 'react';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { haptic } from '../telegram/haptics.ts';
import { Segmented } from '../ui/segmented.tsx';
import { type SessionCheckState, sessionChecks } from './session-checks.ts';

type Method = 'curl' | 'cookie';
const STEPS = ['open', 'devtools', 'request', 'copy', 'paste'] as const;
type Step = (typeof STEPS)[number];

const MARKS: Record<SessionCheckState, string> = { ok: '✓', problem: '✗', pending: '○' };

export function SessionWizard({ secret, now }: { secret: string; now: number }) {
  const t = useT();
  const language = useLanguage();
  const [index, setIndex] = useState(0);
  const [method, setMethod] = useState<Method>('curl');
  const checks = sessionChecks(secret, now);
  const pasted = checks !== null;
  // Something was pasted: the seller is at the last step, whatever step they were reading.
  useEffect(() => {
    if (pasted) setIndex(STEPS.length - 1);
  }, [pasted]);
  const step: Step = STEPS[index] ?? 'open';

  const move = (by: number) => {
    haptic.selection();
    setIndex((i) => Math.min(STEPS.length - 1, Math.max(0, i + by)));
  };

  return (
    <section className="wizard" aria-labelledby="wizard-title" data-testid="session-wizard" data-step={step}>
      <h3 id="wizard-title">{t('keys.wizard.title')}</h3>
      <p className="hint" data-testid="wizard-progress" aria-live="polite">
        {t('keys.wizard.progress', { n: index + 1, total: STEPS.length })} · {t(`keys.wizard.${step}.title`)}
      </p>
      <div className="wizard-step" data-testid="wizard-step">
        {step === 'open' && (
          <>
            <p>{t('keys.wizard.open.text')}</p>
            <p>
              <code className="wizard-url">https://seller.wildberries.ru</code>
            </p>
            <p className="hint">{t('keys.wizard.open.why')}</p>
          </>
        )}
        {step === 'devtools' && <p>{t('keys.wizard.devtools.text')}</p>}
        {step === 'request' && <p>{t('keys.wizard.request.text')}</p>}
        {step === 'copy' && (
          <>
            <Segmented
              name="session-method"
              options={[
                { value: 'curl' as const, label: t('keys.wizard.method.curl') },
                { value: 'cookie' as const, label: t('keys.wizard.method.cookie') },
              ]}
              value={method}
              onChange={setMethod}
            />
            <p data-testid="wizard-copy-text">{t(method === 'curl' ? 'keys.wizard.copy.curl' : 'keys.wizard.copy.cookie')}</p>
          </>
        )}
        {step === 'paste' && <p>{t('keys.wizard.paste.text')}</p>}
      </div>
      <div className="wizard-nav">
        <button type="button" className="small-button" disabled={index === 0} onClick={() => move(-1)} data-testid="wizard-back">
          {t('keys.wizard.back')}
        </button>
        {index < STEPS.length - 1 && (
          <button type="button" className="small-button" onClick={() => move(1)} data-testid="wizard-next">
            {t('keys.wizard.next')}
          </button>
        )}
      </div>
      {checks && (
        <div className="wizard-checks" data-testid="wizard-checks" data-form={checks.form}>
          <p className="hint">{t(checks.form === 'curl' ? 'keys.wizard.form.curl' : 'keys.wizard.form.cookie')}</p>
          <ul>
            {checks.checks.map(({ item, state }) => (
              <li key={item} className={`wizard-check check-${state}`} data-testid={`wizard-check-${item}`} data-state={state}>
                <span aria-hidden="true" className="wizard-mark">
                  {MARKS[state]}
                </span>
                <span>
                  {t(`keys.check.${item}` as MessageKey)}
                  <span className="visually-hidden"> — {t(`keys.check.state.${state}` as MessageKey)}</span>
                </span>
              </li>
            ))}
          </ul>
          {checks.problem && (
            <p className="warning-text" data-testid="wizard-problem">
              {errorMessage(checks.problem, language)}
            </p>
          )}
        </div>
      )}
      <p className="hint">{t('keys.wizard.private')}</p>
    </section>
  );
}

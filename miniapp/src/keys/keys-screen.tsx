// WB credentials: add a portal session (a guided wizard: where to copy it, step by step, and a checklist read locally as
// it is pasted, so its problem is named before anything is sent) or an API token (checked by WB at once: the seller's name, or exactly what is wrong),
// see them masked, choose whether a key feeds the shared slot feed (off unless the seller says so), remove them.
import { errorMessage } from '@slotpilot/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { AddKeyInput, KeySummary } from '../api/api-types.ts';
import { queryKeys } from '../api/queries.ts';
import { formatMoscowDateTime } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import { useMainButton } from '../telegram/buttons.ts';
import { confirmDestructive } from '../telegram/confirm.ts';
import { haptic } from '../telegram/haptics.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { Segmented } from '../ui/segmented.tsx';
import { LocalHint } from './local-hint.tsx';
import { blockingProblem, secretHint } from './secret-hints.ts';
import { SessionWizard } from './session-wizard.tsx';

type Kind = AddKeyInput['kind'];

export function KeysScreen() {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const queryClient = useQueryClient();
  const keys = useQuery({ queryKey: queryKeys.keys, queryFn: () => api.keys.list.query() });

  // The portal session first: with WB's official coefficients method off, it is what makes slots visible at all.
  const [kind, setKind] = useState<Kind>('portal_session');
  const [name, setName] = useState('');
  const [secret, setSecret] = useState('');
  const [shareFeed, setShareFeed] = useState(false);
  const [formProblem, setFormProblem] = useState<ReturnType<typeof blockingProblem>>(null);

  const add = useMutation({
    mutationFn: (input: AddKeyInput) => api.keys.add.mutate(input),
    onSuccess: () => {
      haptic.success();
      setSecret('');
      setName('');
      setShareFeed(false);
      void queryClient.invalidateQueries({ queryKey: queryKeys.keys });
    },
    onError: () => haptic.error(),
  });

  function submit() {
    // A paste the shared parser refuses would only come back refused: say why now, send nothing.
    const problem = blockingProblem(kind, secret, Date.now());
    if (problem) {
      setFormProblem(problem);
      haptic.error();
      return;
    }
    setFormProblem(null);
    add.mutate({ kind, name: name.trim() || t(`keys.kind.${kind}`), secret: secret.trim(), shareFeed });
  }

  useMainButton({ text: t('keys.check'), onClick: submit, loading: add.isPending });

  const hint = secretHint(kind, secret, Date.now(), (at) => formatMoscowDateTime(at, language));
  // Once the form was refused, the problem line is the alert below; the live line under the box stays quiet meanwhile.
  const liveHint = formProblem ? null : hint;

  return (
    <>
      <h1>{t('keys.title')}</h1>
      <p className="hint">{t('keys.intro')}</p>

      <section className="card" aria-labelledby="keys-add">
        <h2 id="keys-add">{t('keys.add')}</h2>
        <Segmented
          name="kind"
          options={[
            { value: 'api_token' as const, label: t('keys.kind.api_token') },
            { value: 'portal_session' as const, label: t('keys.kind.portal_session') },
          ]}
          value={kind}
          onChange={(k) => {
            setKind(k);
            setFormProblem(null);
            add.reset();
          }}
        />
        {kind === 'portal_session' && <SessionWizard secret={secret} now={Date.now()} />}
        <label className="field">
          <span>{t('keys.name')}</span>
          <input
            className="input"
            value={name}
            maxLength={64}
            placeholder={t('keys.name.placeholder')}
            onChange={(e) => setName(e.target.value)}
            data-testid="key-name"
          />
        </label>
        <label className="field">
          <span>{t(`keys.secret.${kind}`)}</span>
          <textarea
            className="input secret-input"
            rows={3}
            value={secret}
            spellCheck={false}
            autoComplete="off"
            placeholder={kind === 'portal_session' ? 'WBTokenV3=…; wbx-validation-key=…; x-supplier-id=…' : undefined}
            onChange={(e) => {
              setSecret(e.target.value);
              setFormProblem(null);
              if (add.isSuccess || add.isError) add.reset();
            }}
            data-testid="key-secret"
          />
        </label>
        <p className="hint">{t(`keys.secret.${kind}.hint`)}</p>
        <LocalHint hint={liveHint} />
        <label className="toggle-row share-row">
          <input type="checkbox" checked={shareFeed} onChange={(e) => setShareFeed(e.target.checked)} data-testid="key-share-feed" />
          <span>{t('keys.shareFeed')}</span>
        </label>
        {formProblem && (
          <p className="field-error" role="alert" data-testid="key-form-problem" data-code={'code' in formProblem ? formProblem.code : ''}>
            {'code' in formProblem ? errorMessage(formProblem.code, language) : t(formProblem.key)}
          </p>
        )}
        {add.isSuccess && (
          <p className="notice notice-success" role="status" data-testid="key-result">
            {add.data.sellerName ? t('keys.added', { seller: add.data.sellerName }) : t('keys.added.anonymous')}
          </p>
        )}
        {add.isError && <ErrorNotice error={add.error} testId="key-error" />}
      </section>

      <section aria-labelledby="keys-list">
        <h2 id="keys-list">{t('keys.list')}</h2>
        {keys.isPending ? (
          <div className="skeleton skeleton-card" aria-busy="true" />
        ) : keys.isError ? (
          <ErrorNotice error={keys.error} onRetry={() => void keys.refetch()} />
        ) : keys.data.length === 0 ? (
          <p className="card hint">{t('keys.none')}</p>
        ) : (
          <ul className="rows" data-testid="key-list">
            {keys.data.map((key) => (
              <KeyRow key={key.id} item={key} />
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function KeyRow({ item }: { item: KeySummary }) {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => api.keys.remove.mutate({ id: item.id }),
    onSuccess: () => {
      haptic.success();
      queryClient.setQueryData<KeySummary[]>(queryKeys.keys, (list) => list?.filter((k) => k.id !== item.id));
    },
    onError: () => haptic.error(),
  });
  return (
    <li className="card key-row" data-testid="key-row" data-kind={item.kind}>
      <div className="key-row-head">
        <strong className="grow">{item.name}</strong>
        <span className={`badge badge-${item.valid ? 'success' : 'danger'}`}>{t(item.valid ? 'keys.valid' : 'keys.invalid')}</span>
      </div>
      <p className="hint">
        {t(`keys.kind.${item.kind}`)}
        {item.sellerName && ` · ${item.sellerName}`}
        {item.expiresAt && ` · ${t('keys.until', { date: t('time.msk', { time: formatMoscowDateTime(item.expiresAt, language) }) })}`}
        {item.shareFeed && ` · ${t('keys.sharing')}`}
      </p>
      <p className="masked" data-testid="key-hint">
        {item.hint}
      </p>
      {/* The server keeps WB's own (English, technical) words for support; the seller gets what it means for them. */}
      {item.lastError && !item.valid && (
        <p className="warning-text" data-testid="key-rejected">
          {t(item.kind === 'portal_session' ? 'keys.rejected.session' : 'keys.rejected.token')}
        </p>
      )}
      <div className="task-actions">
        <button
          type="button"
          className="small-button danger"
          disabled={remove.isPending}
          data-testid="key-remove"
          onClick={() =>
            void confirmDestructive({
              message: t('keys.removeConfirm', { name: item.name }),
              confirm: t('keys.removeYes'),
              keep: t('keys.keep'),
            }).then((sure) => sure && remove.mutate())
          }
        >
          {t('keys.remove')}
        </button>
      </div>
      {remove.isError && <ErrorNotice error={remove.error} />}
    </li>
  );
}

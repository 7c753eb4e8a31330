// Admins only: one actor — its machine with the current state lit, its transitions as they happen, and its context.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { TransitionRecord } from '../api/api-types.ts';
import { queryKeys } from '../api/queries.ts';
import { formatMoscowDateTime, formatMoscowTime } from '../calendar/moscow-date.ts';
import { useLanguage, useT } from '../i18n/i18n.tsx';
import { useMainButton } from '../telegram/buttons.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';
import { Deadline } from './inspector-screen.tsx';
import { MachineDiagram } from './machine-diagram.tsx';

const key = (r: TransitionRecord) => `${r.at}:${r.from}:${r.to}`;

export function ActorScreen({ id }: { id: string }) {
  const api = useApi();
  const t = useT();
  const language = useLanguage();
  const queryClient = useQueryClient();
  const actor = useQuery({ queryKey: queryKeys.actor(id), queryFn: () => api.inspector.actor.query({ id }), retry: false });
  const [live, setLive] = useState<TransitionRecord[]>([]);
  const [connected, setConnected] = useState(false);
  useMainButton(null);
  const allowed = actor.isSuccess;

  useEffect(() => {
    if (!allowed) return;
    const subscription = api.inspector.onEvent.subscribe(
      { taskId: id },
      {
        onStarted: () => setConnected(true),
        onData: (event) => {
          const record = event.data;
          setLive((list) => [...list, record].slice(-200));
          // The context and the current state come with the actor; fetch them again for the new state.
          void queryClient.invalidateQueries({ queryKey: queryKeys.actor(id) });
        },
        onError: () => setConnected(false),
      },
    );
    return () => subscription.unsubscribe();
  }, [api, id, queryClient, allowed]);

  if (actor.isPending) return <div className="skeleton skeleton-card" aria-busy="true" />;
  if (actor.isError) return <ErrorNotice error={actor.error} testId="inspector-error" />;
  if (actor.data === null) return <p className="card">{t('inspector.notFound')}</p>;
  const a = actor.data;
  const seen = new Set<string>();
  const events = [...a.transitions, ...live].filter((r) => {
    const k = key(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });

  return (
    <>
      <h1>
        <code>{a.id.slice(0, 8)}</code> · {a.kind}/{a.mode}
      </h1>
      <p className="hint">
        {t('inspector.user')} {a.userId} · {t('inspector.owner')} <code>{a.owner ?? '—'}</code>
        {a.leaseUntil && ` · ${t('inspector.lease', { time: formatMoscowTime(Date.parse(a.leaseUntil), language) })}`}
        {a.description && (
          <>
            {' · '}
            {t('inspector.next')} <Deadline at={a.description.nextStepAt} />
          </>
        )}
      </p>

      <section className="card" aria-label={t('inspector.machine')}>
        <h2>{t('inspector.machine')}</h2>
        <MachineDiagram states={a.machine} value={a.value} />
      </section>

      <section className="card" aria-label={t('inspector.events')}>
        <h2>
          {t('inspector.events')}{' '}
          <span className={`badge badge-${connected ? 'active' : 'muted'}`} data-testid="inspector-live">
            {t('inspector.live')}
          </span>
        </h2>
        {events.length === 0 ? (
          <p className="hint">{t('inspector.noEvents')}</p>
        ) : (
          <ol className="timeline" data-testid="actor-events">
            {events.map((r) => (
              <li key={key(r)}>
                <time>{formatMoscowDateTime(r.at, language)}</time>
                <span>
                  {r.from || '·'} → <strong>{r.to}</strong> <span className="hint">({r.event})</span>
                </span>
                <span className="hint timeline-summary">
                  {r.summary} · <code>{r.instanceId}</code>
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>

      <section className="card" aria-label={t('inspector.context')}>
        <h2>{t('inspector.context')}</h2>
        <pre className="json" data-testid="actor-context">
          {JSON.stringify({ value: a.value, context: a.context, criteria: a.criteria }, null, 2)}
        </pre>
      </section>
    </>
  );
}

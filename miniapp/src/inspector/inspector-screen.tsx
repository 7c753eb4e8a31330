// Admins only: every actor with its state, owner instance and next deadline, refreshed live.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context.tsx';
import type { InspectorActor } from '../api/api-types.ts';
import { queryKeys } from '../api/queries.ts';
import { useNow } from '../app/use-now.ts';
import { useT } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { TaskBadge } from '../tasks/task-card.tsx';
import { useMainButton } from '../telegram/buttons.ts';
import { ErrorNotice } from '../ui/error-notice.tsx';

export function Deadline({ at }: { at: number | string | null }) {
  const t = useT();
  const now = useNow();
  if (at === null) return <span className="hint">—</span>;
  const ms = (typeof at === 'string' ? Date.parse(at) : at) - now;
  const seconds = Math.ceil(Math.abs(ms) / 1000);
  return (
    <span className={ms < 0 ? 'warning-text' : undefined}>
      {ms >= 0 ? t('inspector.in', { seconds }) : t('inspector.overdue', { seconds })}
    </span>
  );
}

export function InspectorScreen() {
  const api = useApi();
  const t = useT();
  const queryClient = useQueryClient();
  const [includeDone, setIncludeDone] = useState(false);
  const actors = useQuery({
    queryKey: queryKeys.actors(includeDone),
    queryFn: () => api.inspector.actors.query({ includeDone }),
    refetchInterval: 10_000,
    retry: false,
  });
  useMainButton(null);
  const allowed = actors.isSuccess;

  // Any transition anywhere refreshes the table (at most once a second).
  useEffect(() => {
    if (!allowed) return;
    let pending: ReturnType<typeof setTimeout> | undefined;
    const subscription = api.inspector.onEvent.subscribe(undefined, {
      onData: () => {
        pending ??= setTimeout(() => {
          pending = undefined;
          void queryClient.invalidateQueries({ queryKey: ['inspector-actors'] });
        }, 1_000);
      },
    });
    return () => {
      clearTimeout(pending);
      subscription.unsubscribe();
    };
  }, [api, queryClient, allowed]);

  return (
    <>
      <h1>{t('inspector.title')}</h1>
      {actors.isError ? (
        <ErrorNotice error={actors.error} testId="inspector-error" />
      ) : (
        <>
          <label className="toggle-row">
            <input type="checkbox" checked={includeDone} onChange={(e) => setIncludeDone(e.target.checked)} />
            <span>{t('inspector.includeDone')}</span>
          </label>
          {actors.isPending ? (
            <div className="skeleton skeleton-card" aria-busy="true" />
          ) : actors.data.length === 0 ? (
            <p className="card hint">{t('inspector.none')}</p>
          ) : (
            <div className="table-scroll card">
              <table className="table" data-testid="inspector-actors">
                <thead>
                  <tr>
                    <th>ID</th>
                    <th>{t('inspector.user')}</th>
                    <th>{t('detail.mode')}</th>
                    <th>{t('detail.now')}</th>
                    <th>{t('inspector.owner')}</th>
                    <th>{t('inspector.next')}</th>
                  </tr>
                </thead>
                <tbody>
                  {actors.data.map((a: InspectorActor) => (
                    <tr
                      key={a.id}
                      className="clickable"
                      onClick={() => navigate(`/inspector/${a.id}`)}
                      data-testid="actor-row"
                      data-actor-id={a.id}
                    >
                      <td>
                        <code>{a.id.slice(0, 8)}</code>
                      </td>
                      <td>{a.userId}</td>
                      <td>
                        {a.kind}/{a.mode}
                      </td>
                      <td>
                        <TaskBadge task={{ state: a.state, outcome: a.outcome }} />
                      </td>
                      <td>
                        <code>{a.owner ?? '—'}</code>
                      </td>
                      <td>
                        <Deadline at={a.nextStepAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </>
  );
}

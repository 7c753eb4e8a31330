import type { Language } from '@slotpilot/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { ApiProvider } from '../api/api-context.tsx';
import type { ApiClient } from '../api/trpc.ts';
import { LanguageProvider, useT } from '../i18n/i18n.tsx';
import { goBack, navigate, useRoute } from '../router/router.ts';
import { type Route, TAB_ROUTES } from '../router/routes.ts';
import { TasksScreen } from '../tasks/tasks-screen.tsx';
import { useTaskStream } from '../tasks/use-task-stream.ts';
import { useBackButton } from '../telegram/buttons.ts';
import { DevHeader, DevInvoice, DevMainButton } from '../telegram/dev-chrome.tsx';
import { TabBar } from './tab-bar.tsx';

// Everything but the task list loads on demand: the first screen must be fast on a phone in a basement warehouse.
const loadNewTask = () => import('../tasks/new-task-screen.tsx');
const NewTaskScreen = lazy(() => loadNewTask().then((m) => ({ default: m.NewTaskScreen })));
const TaskDetailScreen = lazy(() => import('../tasks/task-detail-screen.tsx').then((m) => ({ default: m.TaskDetailScreen })));
const KeysScreen = lazy(() => import('../keys/keys-screen.tsx').then((m) => ({ default: m.KeysScreen })));
const HistoryScreen = lazy(() => import('../history/history-screen.tsx').then((m) => ({ default: m.HistoryScreen })));
const RedistributionScreen = lazy(() =>
  import('../redistribution/redistribution-screen.tsx').then((m) => ({ default: m.RedistributionScreen })),
);
const CreditsScreen = lazy(() => import('../credits/credits-screen.tsx').then((m) => ({ default: m.CreditsScreen })));
const InspectorScreen = lazy(() => import('../inspector/inspector-screen.tsx').then((m) => ({ default: m.InspectorScreen })));
const ActorScreen = lazy(() => import('../inspector/actor-screen.tsx').then((m) => ({ default: m.ActorScreen })));

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } },
});

export function App({ api, language, mocked }: { api: ApiClient; language: Language; mocked: boolean }) {
  return (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <LanguageProvider language={language}>
          <Shell mocked={mocked} />
        </LanguageProvider>
      </ApiProvider>
    </QueryClientProvider>
  );
}

function Shell({ mocked }: { mocked: boolean }) {
  const route = useRoute();
  useTaskStream();
  useBackButton(route.name !== 'tasks', goBack);
  useEffect(() => {
    // The most likely next screen, fetched while the user reads the list.
    const id = setTimeout(() => void loadNewTask(), 1_500);
    return () => clearTimeout(id);
  }, []);
  const tab = TAB_ROUTES.has(route.name);
  return (
    <>
      {mocked && <DevHeader />}
      <main className={`screen${tab ? ' with-tabs' : ''}`} data-route={route.name}>
        <Suspense fallback={<ScreenFallback />}>
          <Screen route={route} />
        </Suspense>
      </main>
      {tab && <TabBar current={route.name} />}
      {mocked && <DevMainButton />}
      {mocked && <DevInvoice />}
    </>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'tasks':
      return <TasksScreen />;
    case 'new-task':
      return <NewTaskScreen />;
    case 'task':
      return <TaskDetailScreen id={route.id} />;
    case 'keys':
      return <KeysScreen />;
    case 'history':
      return <HistoryScreen />;
    case 'redistribution':
      return <RedistributionScreen />;
    case 'credits':
      return <CreditsScreen paywall={route.paywall} />;
    case 'inspector':
      return <InspectorScreen />;
    case 'actor':
      return <ActorScreen id={route.id} />;
    case 'not-found':
      return <NotFound />;
  }
}

function ScreenFallback() {
  const t = useT();
  return (
    <p className="hint" aria-busy="true">
      {t('app.loading')}
    </p>
  );
}

function NotFound() {
  const t = useT();
  return (
    <section className="card">
      <p>{t('app.notFound')}</p>
      <button type="button" className="button" onClick={() => navigate('/', { replace: true })}>
        {t('app.toTasks')}
      </button>
    </section>
  );
}

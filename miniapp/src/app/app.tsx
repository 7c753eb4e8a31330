import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Suspense, useEffect } from 'react';
import { ApiProvider } from '../api/api-context.tsx';
import type { ApiClient } from '../api/trpc.ts';
import { LanguageProvider, useT } from '../i18n/i18n.tsx';
import { useCurrentLanguage } from '../i18n/language-store.ts';
import { goBack, navigate, openedFromAnotherScreen, useRoute } from '../router/router.ts';
import { type Route, routeHref, startParamPath, TAB_ROUTES } from '../router/routes.ts';
import { TasksScreen } from '../tasks/tasks-screen.tsx';
import { useTaskStream } from '../tasks/use-task-stream.ts';
import { useBackButton, useSettingsButton } from '../telegram/buttons.ts';
import { DevHeader, DevInvoice, DevMainButton, DevPopup } from '../telegram/dev-chrome.tsx';
import { useServerLanguage } from './language-sync.ts';
import { lazyScreen } from './lazy-screen.tsx';
import { ScreenBoundary } from './screen-boundary.tsx';
import { useStreamStatus } from './stream-status.ts';
import { TabBar } from './tab-bar.tsx';

// Everything but the task list loads on demand: the first screen must be fast on a phone in a basement warehouse.
// A chunk that fails to load is retried from the screen's error boundary (lazyScreen forgets the failure).
const NewTaskScreen = lazyScreen(() => import('../tasks/new-task-screen.tsx').then((m) => m.NewTaskScreen));
const TaskDetailScreen = lazyScreen(() => import('../tasks/task-detail-screen.tsx').then((m) => m.TaskDetailScreen));
const SlotFoundScreen = lazyScreen(() => import('../tasks/slot-found-screen.tsx').then((m) => m.SlotFoundScreen));
const KeysScreen = lazyScreen(() => import('../keys/keys-screen.tsx').then((m) => m.KeysScreen));
const HistoryScreen = lazyScreen(() => import('../history/history-screen.tsx').then((m) => m.HistoryScreen));
const RedistributionScreen = lazyScreen(() => import('../redistribution/redistribution-screen.tsx').then((m) => m.RedistributionScreen));
const CreditsScreen = lazyScreen(() => import('../credits/credits-screen.tsx').then((m) => m.CreditsScreen));
const SettingsScreen = lazyScreen(() => import('../settings/settings-screen.tsx').then((m) => m.SettingsScreen));
const InspectorScreen = lazyScreen(() => import('../inspector/inspector-screen.tsx').then((m) => m.InspectorScreen));
const WarehouseInsightsScreen = lazyScreen(() =>
  import('../insights/warehouse-insights-screen.tsx').then((m) => m.WarehouseInsightsScreen),
);
const ActorScreen = lazyScreen(() => import('../inspector/actor-screen.tsx').then((m) => m.ActorScreen));

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } },
});

export function App({ api, mocked, startParam }: { api: ApiClient; mocked: boolean; startParam: string | null }) {
  const language = useCurrentLanguage();
  return (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <LanguageProvider language={language}>
          <Shell mocked={mocked} startParam={startParam} />
        </LanguageProvider>
      </ApiProvider>
    </QueryClientProvider>
  );
}

function Shell({ mocked, startParam }: { mocked: boolean; startParam: string | null }) {
  const route = useRoute();
  useTaskStream();
  useServerLanguage();
  const tab = TAB_ROUTES.has(route.name);
  // Root tabs are switched with the tab bar; Telegram's BackButton appears only a step deeper — or on a tab screen that
  // another screen opened (Keys from the new-task form: Back returns to the form as it was left).
  useBackButton(!tab || openedFromAnotherScreen(), goBack);
  useSettingsButton(() => {
    if (route.name !== 'settings') navigate('/settings');
  });
  useEffect(() => {
    // A bot alert's link opens its slot directly; the list stays one BackButton press away.
    const path = startParamPath(startParam);
    if (path) navigate(path);
    // The most likely next screen, fetched while the user reads the list.
    const id = setTimeout(() => NewTaskScreen.preload(), 1_500);
    return () => clearTimeout(id);
  }, [startParam]);
  return (
    <>
      {mocked && <DevHeader />}
      <main className={`screen${tab ? ' with-tabs' : ''}`} data-route={route.name}>
        <ConnectionBanner />
        <ScreenBoundary resetKey={routeHref(route)}>
          <Suspense fallback={<ScreenFallback />}>
            <Screen route={route} />
          </Suspense>
        </ScreenBoundary>
      </main>
      {tab && <TabBar current={route.name} />}
      {mocked && <DevMainButton />}
      {mocked && <DevInvoice />}
      {mocked && <DevPopup />}
    </>
  );
}

/** The live stream is down (server gone, network lost): say so instead of pulsing "Watching" over stale data. */
function ConnectionBanner() {
  const t = useT();
  const stream = useStreamStatus();
  if (stream !== 'lost') return null;
  return (
    <p className="notice notice-warning connection-banner" role="status" data-testid="stream-lost">
      {t('stream.lost')}
    </p>
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
    case 'slot-found':
      return <SlotFoundScreen id={route.id} />;
    case 'settings':
      return <SettingsScreen />;
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
    case 'insights':
      return <WarehouseInsightsScreen warehouseId={route.warehouseId} boxTypeId={route.boxTypeId} />;
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

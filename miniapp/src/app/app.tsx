import type { Language } from '@slotpilot/shared';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ApiProvider } from '../api/api-context.tsx';
import type { ApiClient } from '../api/trpc.ts';
import { LanguageProvider } from '../i18n/i18n.tsx';
import { Home } from './home.tsx';

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 10_000, retry: 1, refetchOnWindowFocus: false } },
});

export function App({ api, language }: { api: ApiClient; language: Language }) {
  return (
    <QueryClientProvider client={queryClient}>
      <ApiProvider client={api}>
        <LanguageProvider language={language}>
          <main className="screen">
            <Home />
          </main>
        </LanguageProvider>
      </ApiProvider>
    </QueryClientProvider>
  );
}

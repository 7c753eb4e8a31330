import { resolveLanguage } from '@slotpilot/shared';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/trpc.ts';
import { App } from './app/app.tsx';
import { currentLanguage, setProfileLanguage } from './i18n/language-store.ts';
import { translate } from './i18n/messages.ts';
import { DevLoginUnavailableError } from './telegram/dev-environment.ts';
import { setupTelegram } from './telegram/setup.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

try {
  const session = await setupTelegram();
  setProfileLanguage(resolveLanguage(session.languageCode));
  document.documentElement.lang = currentLanguage();
  root.render(
    <StrictMode>
      <App api={createApiClient(session.initData)} mocked={session.mocked} startParam={session.startParam} />
    </StrictMode>,
  );
} catch (error) {
  setProfileLanguage(resolveLanguage(navigator.language));
  const language = currentLanguage();
  const key = error instanceof DevLoginUnavailableError ? 'error.openInTelegram' : 'error.network';
  root.render(
    <main className="screen">
      <p role="alert">{translate(language, key)}</p>
    </main>,
  );
}

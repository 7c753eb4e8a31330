import { resolveLanguage } from '@slotpilot/shared';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApiClient } from './api/trpc.ts';
import { App } from './app/app.tsx';
import { translate } from './i18n/messages.ts';
import { DevLoginUnavailableError } from './telegram/dev-environment.ts';
import { setupTelegram } from './telegram/setup.ts';
import './styles.css';

const root = createRoot(document.getElementById('root')!);

try {
  const session = await setupTelegram();
  const language = resolveLanguage(session.languageCode);
  document.documentElement.lang = language;
  root.render(
    <StrictMode>
      <App api={createApiClient(session.initData)} language={language} mocked={session.mocked} />
    </StrictMode>,
  );
} catch (error) {
  const language = resolveLanguage(navigator.language);
  const key = error instanceof DevLoginUnavailableError ? 'error.openInTelegram' : 'error.network';
  root.render(
    <main className="screen">
      <p role="alert">{translate(language, key)}</p>
    </main>,
  );
}

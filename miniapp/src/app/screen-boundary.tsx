// One screen failing (its chunk did not load, a render threw) must not blank the app: the tabs, Telegram's buttons and
// the other screens stay, and Retry renders the screen again (importing its chunk again if that was the failure).
import { Component, type ReactNode } from 'react';
import { useT } from '../i18n/i18n.tsx';
import { forgetFailedLoads } from './lazy-screen.tsx';

interface Props {
  /** The screen's route: moving to another screen clears the failure. */
  resetKey: string;
  children: ReactNode;
}

interface State {
  error: unknown;
  key: string;
}

export class ScreenBoundary extends Component<Props, State> {
  override state: State = { error: null, key: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error: error ?? new Error('unknown') };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.key ? null : { error: null, key: props.resetKey };
  }

  override render() {
    if (this.state.error)
      return (
        <ScreenFailed
          error={this.state.error}
          onRetry={() => {
            forgetFailedLoads();
            this.setState({ error: null });
          }}
        />
      );
    return this.props.children;
  }
}

/** A chunk that did not arrive (offline, a deploy replaced it) reads differently from a bug. */
function isLoadFailure(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /dynamically imported module|Importing a module script failed|Failed to fetch|error loading|ChunkLoadError/i.test(text);
}

function ScreenFailed({ error, onRetry }: { error: unknown; onRetry: () => void }) {
  const t = useT();
  return (
    <div className="notice notice-error" role="alert" data-testid="screen-error">
      <p>{t(isLoadFailure(error) ? 'error.screenLoad' : 'error.screenCrash')}</p>
      <div className="notice-actions">
        <button type="button" className="button" onClick={onRetry} data-testid="screen-retry">
          {t('error.retry')}
        </button>
      </div>
    </div>
  );
}

// The one line that says where slot data comes from and how old it is (ticking), or that there is none, with the way to
// the Keys screen when adding a portal session fixes it.
import { useNow } from '../app/use-now.ts';
import { useT } from '../i18n/i18n.tsx';
import { navigate } from '../router/router.ts';
import { type SlotSource, sourceLine } from './slot-source.ts';

/** `compact`: the fixed-height line of a task card (the Keys button goes where the card has room for it). */
export function SlotSourceLine({ source, testId, compact = false }: { source: SlotSource; testId: string; compact?: boolean }) {
  const t = useT();
  const now = useNow();
  const line = sourceLine(source, now, t);
  const tone = line.tone === 'none' ? 'warning-text' : line.tone === 'stale' ? 'notice-text' : 'hint';
  if (compact) {
    return (
      <span className={`task-line ${tone}`} data-testid={testId} data-source={source.kind}>
        {line.text}
      </span>
    );
  }
  return (
    <div className="source-line" data-testid={testId} data-source={source.kind}>
      <span className={tone}>{line.text}</span>
      {line.toKeys && <ToKeysButton />}
    </div>
  );
}

export function ToKeysButton() {
  const t = useT();
  return (
    <button type="button" className="small-button" onClick={() => navigate('/keys')} data-testid="source-to-keys">
      {t('error.toKeys')}
    </button>
  );
}

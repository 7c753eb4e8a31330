// The bottom tabs between the four main screens.
import { useT } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { navigate } from '../router/router.ts';
import type { RouteName } from '../router/routes.ts';
import { haptic } from '../telegram/haptics.ts';

const TABS: Array<{ route: RouteName; path: string; label: MessageKey; icon: string }> = [
  { route: 'tasks', path: '/', label: 'nav.tasks', icon: 'M4 6h16M4 12h16M4 18h10' },
  { route: 'keys', path: '/keys', label: 'nav.keys', icon: 'M8 11a4 4 0 1 0 0 8 4 4 0 0 0 0-8zM11 12l9-9M17 6l2 2M14.5 8.5l2 2' },
  { route: 'history', path: '/history', label: 'nav.history', icon: 'M12 7v5l3 2M21 12a9 9 0 1 1-3-6.7' },
  {
    route: 'credits',
    path: '/credits',
    label: 'nav.credits',
    icon: 'M12 3l2.6 5.6 6 .7-4.5 4.1 1.2 6L12 16.5 6.7 19.4l1.2-6L3.4 9.3l6-.7z',
  },
];

export function TabBar({ current }: { current: RouteName }) {
  const t = useT();
  return (
    <nav className="tab-bar" aria-label="SlotPilot">
      {TABS.map((tab) => (
        <button
          key={tab.route}
          type="button"
          className="tab"
          aria-current={tab.route === current ? 'page' : undefined}
          data-testid={`tab-${tab.route}`}
          onClick={() => {
            if (tab.route === current) return;
            haptic.selection();
            navigate(tab.path, { replace: true });
          }}
        >
          <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
            <path d={tab.icon} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          <span>{t(tab.label)}</span>
        </button>
      ))}
    </nav>
  );
}

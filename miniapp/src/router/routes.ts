// The Mini App's screens as URLs. Pure: parsing and printing routes is tested without a browser.

export type Route =
  | { name: 'tasks' }
  | { name: 'new-task' }
  | { name: 'task'; id: string }
  | { name: 'slot-found'; id: string }
  | { name: 'keys' }
  | { name: 'history' }
  | { name: 'redistribution' }
  | { name: 'credits'; paywall: boolean }
  | { name: 'inspector' }
  | { name: 'actor'; id: string }
  | { name: 'settings' }
  | { name: 'insights'; warehouseId: number; boxTypeId: 2 | 5 | 6 }
  | { name: 'not-found' };

export type RouteName = Route['name'];

/** Screens reached from the tab bar; every other screen is a step deeper. */
export const TAB_ROUTES: ReadonlySet<RouteName> = new Set(['tasks', 'keys', 'history', 'credits']);

/** Query parameters that belong to the session, not to a screen (the dev login's user, language and theme). */
export const SESSION_PARAMS = ['devUserId', 'devFirstName', 'devUsername', 'lang', 'theme'] as const;

const ID = '([0-9a-fA-F-]{36})';
const PATTERNS: Array<[RegExp, (m: RegExpMatchArray, query: URLSearchParams) => Route]> = [
  [/^\/$/, () => ({ name: 'tasks' })],
  [/^\/tasks\/new$/, () => ({ name: 'new-task' })],
  [new RegExp(`^/tasks/${ID}$`), (m) => ({ name: 'task', id: m[1] ?? '' })],
  [new RegExp(`^/tasks/${ID}/found$`), (m) => ({ name: 'slot-found', id: m[1] ?? '' })],
  [/^\/settings$/, () => ({ name: 'settings' })],
  [/^\/keys$/, () => ({ name: 'keys' })],
  [/^\/history$/, () => ({ name: 'history' })],
  [/^\/redistribution$/, () => ({ name: 'redistribution' })],
  [/^\/credits$/, (_, query) => ({ name: 'credits', paywall: query.get('paywall') === '1' })],
  [/^\/inspector$/, () => ({ name: 'inspector' })],
  [new RegExp(`^/inspector/${ID}$`), (m) => ({ name: 'actor', id: m[1] ?? '' })],
  // A warehouse's slot statistics for one box type (boxes unless `box` names another WB box type).
  [
    /^\/insights\/([1-9][0-9]{0,9})$/,
    (m, query) => {
      const box = Number(query.get('box'));
      return { name: 'insights', warehouseId: Number(m[1]), boxTypeId: box === 5 || box === 6 ? box : 2 };
    },
  ],
];

export function parseRoute(pathname: string, search = ''): Route {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const query = new URLSearchParams(search);
  for (const [pattern, build] of PATTERNS) {
    const match = path.match(pattern);
    if (match) return build(match, query);
  }
  return { name: 'not-found' };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'tasks':
    case 'not-found':
      return '/';
    case 'new-task':
      return '/tasks/new';
    case 'task':
      return `/tasks/${route.id}`;
    case 'slot-found':
      return `/tasks/${route.id}/found`;
    case 'settings':
      return '/settings';
    case 'keys':
    case 'history':
    case 'redistribution':
    case 'inspector':
      return `/${route.name}`;
    case 'credits':
      return route.paywall ? '/credits?paywall=1' : '/credits';
    case 'actor':
      return `/inspector/${route.id}`;
    case 'insights':
      return `/insights/${route.warehouseId}?box=${route.boxTypeId}`;
  }
}

/** The URL to go to: the target's path and query, plus the session parameters of the current URL. */
/**
 * Where a `startapp` parameter (the link in a bot alert) opens the app: `found_<task id>` the slot-found sheet,
 * `task_<task id>` the task. Telegram allows only [A-Za-z0-9_-] there, so ids travel as they are.
 */
export function startParamPath(startParam: string | null): string | null {
  const match = startParam?.match(/^(found|task)_([0-9a-fA-F-]{36})$/);
  if (!match) return null;
  return match[1] === 'found' ? `/tasks/${match[2]}/found` : `/tasks/${match[2]}`;
}

export function withSessionParams(target: string, currentSearch: string): string {
  const [path = '/', query = ''] = target.split('?');
  const next = new URLSearchParams(query);
  const current = new URLSearchParams(currentSearch);
  for (const key of SESSION_PARAMS) {
    const value = current.get(key);
    if (value !== null && !next.has(key)) next.set(key, value);
  }
  const search = next.toString();
  return search ? `${path}?${search}` : path;
}

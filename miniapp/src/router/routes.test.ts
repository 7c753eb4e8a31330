import { describe, expect, it } from 'vitest';
import { parseRoute, type Route, routeHref, startParamPath, withSessionParams } from './routes.ts';

const ID = '0b6c8a8e-8d5e-4a4f-9f0e-2f5b8e4f1c3a';

describe('routes', () => {
  it('parses every screen and prints it back', () => {
    const routes: Route[] = [
      { name: 'tasks' },
      { name: 'new-task' },
      { name: 'task', id: ID },
      { name: 'keys' },
      { name: 'history' },
      { name: 'redistribution' },
      { name: 'credits', paywall: false },
      { name: 'credits', paywall: true },
      { name: 'inspector' },
      { name: 'actor', id: ID },
      { name: 'slot-found', id: ID },
      { name: 'settings' },
      { name: 'insights', warehouseId: 117501, boxTypeId: 5 },
    ];
    for (const route of routes) {
      const [path, query] = routeHref(route).split('?');
      expect(parseRoute(path ?? '/', query ? `?${query}` : '')).toEqual(route);
    }
  });

  it('tolerates a trailing slash and reports unknown paths', () => {
    expect(parseRoute('/keys/')).toEqual({ name: 'keys' });
    expect(parseRoute('/tasks/not-an-id')).toEqual({ name: 'not-found' });
    expect(parseRoute('/insights/507', '?box=9')).toEqual({ name: 'insights', warehouseId: 507, boxTypeId: 2 });
    expect(parseRoute('/insights/0')).toEqual({ name: 'not-found' });
  });

  it('keeps the session parameters (dev user, language, theme) and drops the old screen query', () => {
    expect(withSessionParams('/keys', '?devUserId=7&lang=en&paywall=1')).toBe('/keys?devUserId=7&lang=en');
    expect(withSessionParams('/credits?paywall=1', '?theme=dark')).toBe('/credits?paywall=1&theme=dark');
    expect(withSessionParams('/', '')).toBe('/');
  });

  it("opens a bot alert's startapp link on the slot-found sheet or the task, and ignores anything else", () => {
    expect(startParamPath(`found_${ID}`)).toBe(`/tasks/${ID}/found`);
    expect(startParamPath(`task_${ID}`)).toBe(`/tasks/${ID}`);
    expect(startParamPath('found_../../keys')).toBeNull();
    expect(startParamPath(null)).toBeNull();
  });
});

// What this seller picked lately (warehouses), remembered on the device so the next task is two taps away. Preorders are
// not remembered: the picker lists the live ones from the WB portal.

const KEYS = { warehouses: 'slotpilot.recent-warehouses' } as const;
const LIMIT = 6;

function read<T>(key: string, valid: (value: unknown) => value is T): T[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter(valid).slice(0, LIMIT) : [];
  } catch {
    return [];
  }
}

function remember<T>(key: string, items: T[], existing: T[]): void {
  const merged = [...items, ...existing.filter((e) => !items.includes(e))].slice(0, LIMIT);
  try {
    localStorage.setItem(key, JSON.stringify(merged));
  } catch {
    // Private mode or a full quota: recents are a convenience, never a failure.
  }
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

export const recentWarehouses = {
  get: (): number[] => read(KEYS.warehouses, isNumber),
  add: (ids: number[]) => remember(KEYS.warehouses, ids, recentWarehouses.get()),
};

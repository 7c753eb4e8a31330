// Choose warehouses in priority order: search by name, address or ID; recent picks first; reorder and remove.
import { useMemo, useState } from 'react';
import type { Warehouse } from '../api/api-types.ts';
import { useT } from '../i18n/i18n.tsx';
import { haptic } from '../telegram/haptics.ts';

export const MAX_WAREHOUSES = 10;

export interface WarehousePickerProps {
  warehouses: readonly Warehouse[];
  recent: readonly number[];
  selected: readonly number[];
  onChange: (ids: number[]) => void;
}

function matches(warehouse: Warehouse, query: string): boolean {
  if (!query) return true;
  const q = query.toLowerCase();
  return warehouse.name.toLowerCase().includes(q) || warehouse.address.toLowerCase().includes(q) || String(warehouse.id).startsWith(q);
}

export function WarehousePicker({ warehouses, recent, selected, onChange }: WarehousePickerProps) {
  const t = useT();
  const [query, setQuery] = useState('');
  const [limitHit, setLimitHit] = useState(false);
  const byId = useMemo(() => new Map(warehouses.map((w) => [w.id, w])), [warehouses]);
  const ordered = useMemo(() => {
    const recentSet = new Set(recent);
    const first = recent.map((id) => byId.get(id)).filter((w): w is Warehouse => w !== undefined);
    return [...first, ...warehouses.filter((w) => !recentSet.has(w.id))];
  }, [warehouses, recent, byId]);
  const visible = ordered.filter((w) => matches(w, query.trim()));
  const recentSet = new Set(recent);

  function toggle(id: number) {
    if (selected.includes(id)) {
      onChange(selected.filter((s) => s !== id));
      setLimitHit(false);
    } else if (selected.length >= MAX_WAREHOUSES) {
      setLimitHit(true);
      haptic.warning();
      return;
    } else {
      onChange([...selected, id]);
    }
    haptic.selection();
  }

  function moveUp(index: number) {
    if (index === 0) return;
    const next = [...selected];
    [next[index - 1], next[index]] = [next[index] as number, next[index - 1] as number];
    onChange(next);
    haptic.selection();
  }

  return (
    <div className="warehouse-picker">
      {selected.length > 0 && (
        <ol className="selected-warehouses" data-testid="selected-warehouses">
          {selected.map((id, index) => (
            <li key={id}>
              <span className="priority">{index + 1}</span>
              <span className="grow">{byId.get(id)?.name ?? t('task.warehouse', { id })}</span>
              <button
                type="button"
                className="small-button"
                disabled={index === 0}
                onClick={() => moveUp(index)}
                aria-label={t('app.moveUp')}
              >
                ↑
              </button>
              <button type="button" className="small-button" onClick={() => toggle(id)} aria-label={t('app.remove')}>
                ✕
              </button>
            </li>
          ))}
        </ol>
      )}
      <input
        type="search"
        className="input"
        placeholder={t('new.warehouses.search')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        data-testid="warehouse-search"
      />
      <ul className="warehouse-options" data-testid="warehouse-options">
        {visible.length === 0 && <li className="hint">{t('new.warehouses.nothing')}</li>}
        {visible.map((w) => (
          <li key={w.id}>
            <label className={`option${w.isActive ? '' : ' inactive'}`} data-testid={`warehouse-${w.id}`}>
              <input type="checkbox" checked={selected.includes(w.id)} onChange={() => toggle(w.id)} />
              <span className="grow">
                {w.name}
                <span className="hint option-sub">
                  {recentSet.has(w.id) ? `${t('new.warehouses.recent')} · ` : ''}
                  {w.address} · {w.id}
                </span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      {limitHit && <p className="field-error">{t('new.warehouses.max', { max: MAX_WAREHOUSES })}</p>}
    </div>
  );
}

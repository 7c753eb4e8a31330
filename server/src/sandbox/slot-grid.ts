// The acceptance calendar: one cell per (warehouse, Moscow date, box type) over the 14-day window. A cell's first value
// is a pure function of the world seed and the cell, so the initial world is the same whatever is read first and
// whenever the window rolls over at Moscow midnight; changes (scenario, control API) are kept as overrides.
import { addDays, type BoxTypeId, moscowToday, WB_HORIZON_DAYS } from '@slotpilot/shared';
import { createPrng, hashSeed, type Prng } from './prng.ts';
import type { CatalogueWarehouse } from './warehouse-catalogue.ts';

export interface Cell {
  coefficient: number;
  allowUnload: boolean;
}

/** WB's rule (WB-API.md): -1 means closed whatever allowUnload says; otherwise allowUnload decides. */
export const isBookable = (cell: Cell) => cell.coefficient >= 0 && cell.allowUnload;

/** A value for a cell a warehouse serves: mostly closed or dear, now and then cheap; busier hubs are cheap less often. */
export function drawCell(prng: Prng, demand: number): Cell {
  const closed = 0.35 + 0.25 * demand;
  const cheap = 0.12 - 0.08 * demand;
  const medium = 0.15;
  const r = prng.next();
  // WB really does send -1 with allowUnload true now and then; clients must not book those.
  if (r < closed) return { coefficient: -1, allowUnload: prng.chance(0.08) };
  if (r < closed + cheap) return { coefficient: prng.int(0, 1), allowUnload: prng.chance(0.7) };
  if (r < closed + cheap + medium) return { coefficient: prng.int(2, 5), allowUnload: prng.chance(0.85) };
  return { coefficient: prng.int(6, 20), allowUnload: prng.chance(0.85) };
}

const CLOSED: Cell = { coefficient: -1, allowUnload: false };

export class SlotGrid {
  private overrides = new Map<string, { cell: Cell; version: number }>();
  private version = 0;
  private windowFor = '';
  private window: string[] = [];

  constructor(
    private readonly seed: number,
    private readonly warehouses: ReadonlyMap<number, CatalogueWarehouse>,
    private readonly clock: () => number,
  ) {}

  /** Today in Moscow, from the injected clock. */
  today(): string {
    const today = moscowToday(this.clock());
    if (today !== this.windowFor) this.rollOver(today);
    return today;
  }

  /** The dates WB publishes now: today and the 13 days after it. */
  dates(): string[] {
    this.today();
    return [...this.window];
  }

  inWindow(date: string): boolean {
    this.today();
    return this.window.includes(date);
  }

  get(warehouseId: number, date: string, boxTypeId: BoxTypeId): Cell {
    const override = this.overrides.get(key(warehouseId, date, boxTypeId));
    if (override) return override.cell;
    const warehouse = this.warehouses.get(warehouseId);
    if (!warehouse?.boxTypes.includes(boxTypeId)) return CLOSED;
    return drawCell(createPrng(hashSeed(this.seed, warehouseId, date, boxTypeId)), warehouse.demand);
  }

  /** Set a cell; the returned version lets a writer check later that nobody has changed the cell since. */
  set(warehouseId: number, date: string, boxTypeId: BoxTypeId, cell: Cell): number {
    this.version += 1;
    this.overrides.set(key(warehouseId, date, boxTypeId), { cell: { ...cell }, version: this.version });
    return this.version;
  }

  versionOf(warehouseId: number, date: string, boxTypeId: BoxTypeId): number {
    return this.overrides.get(key(warehouseId, date, boxTypeId))?.version ?? 0;
  }

  reset(): void {
    this.overrides.clear();
    this.windowFor = '';
  }

  /** A new Moscow day: the window moves on (computed once a day, it is on every request's path), and past days'
   * overrides are forgotten so a long-running sandbox does not grow. */
  private rollOver(today: string): void {
    this.window = Array.from({ length: WB_HORIZON_DAYS }, (_, i) => addDays(today, i));
    for (const k of this.overrides.keys()) if ((k.split('|')[1] ?? '') < today) this.overrides.delete(k);
    this.windowFor = today;
  }
}

const key = (warehouseId: number, date: string, boxTypeId: BoxTypeId) => `${warehouseId}|${date}|${boxTypeId}`;

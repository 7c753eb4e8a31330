// The scenario engine makes the world move like WB's: every tick it re-rolls a few calendar cells (cheap slots open
// and, a little later, vanish again) and now and then moves a transfer quota. Seeded, and driven by ticks rather
// than wall time, so a seed and a number of ticks always give the same world.
import type { BoxTypeId } from '@slotpilot/shared';
import type { Logger } from 'pino';
import { createPrng, type Prng } from './prng.ts';
import { drawCell, isBookable } from './slot-grid.ts';
import type { SandboxWorld } from './world.ts';

export interface ScenarioSettings {
  running: boolean;
  seed: number;
  tickMs: number;
  changesPerTick: number;
}

export interface ScenarioState extends ScenarioSettings {
  ticks: number;
  changes: number;
}

export type ScenarioChange =
  | { type: 'cell'; warehouseId: number; date: string; boxTypeId: BoxTypeId; coefficient: number; allowUnload: boolean }
  | { type: 'quota'; officeID: number; srcQuota: number; dstQuota: number };

/** Lively but not absurd: across ~1,000 cells a cheap slot opens somewhere every few seconds and lasts seconds. */
export const DEFAULT_SCENARIO: Omit<ScenarioSettings, 'seed'> = { running: true, tickMs: 1000, changesPerTick: 2 };

interface PendingClose {
  warehouseId: number;
  date: string;
  boxTypeId: BoxTypeId;
  version: number;
  atTick: number;
}

export class ScenarioEngine {
  private settings: ScenarioSettings;
  private prng: Prng;
  private ticks = 0;
  private changes = 0;
  private pending: PendingClose[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly world: SandboxWorld,
    settings: ScenarioSettings,
    private readonly logger?: Logger,
  ) {
    this.settings = { ...settings };
    this.prng = createPrng(settings.seed);
    this.schedule();
  }

  state(): ScenarioState {
    return { ...this.settings, ticks: this.ticks, changes: this.changes };
  }

  update(change: Partial<ScenarioSettings>): ScenarioState {
    const reseed = change.seed !== undefined && change.seed !== this.settings.seed;
    this.settings = { ...this.settings, ...change };
    if (reseed) this.restart();
    this.schedule();
    return this.state();
  }

  /** Start the random stream again from the seed (after a world reset, so the run replays). */
  restart(): void {
    this.prng = createPrng(this.settings.seed);
    this.ticks = 0;
    this.changes = 0;
    this.pending = [];
  }

  /** One step of the world; tests call it directly with the timer stopped. */
  tick(): ScenarioChange[] {
    this.ticks += 1;
    const out: ScenarioChange[] = [];
    const grid = this.world.grid;
    const dates = grid.dates();

    // Cheap slots the scenario opened vanish after a few ticks, unless someone (the control API) has set them since.
    const due = this.pending.filter((p) => p.atTick <= this.ticks);
    this.pending = this.pending.filter((p) => p.atTick > this.ticks);
    for (const p of due) {
      if (grid.versionOf(p.warehouseId, p.date, p.boxTypeId) !== p.version || !dates.includes(p.date)) continue;
      const cell = this.prng.chance(0.7)
        ? { coefficient: -1, allowUnload: false }
        : { coefficient: this.prng.int(6, 20), allowUnload: true };
      grid.set(p.warehouseId, p.date, p.boxTypeId, cell);
      out.push({ type: 'cell', warehouseId: p.warehouseId, date: p.date, boxTypeId: p.boxTypeId, ...cell });
    }

    const warehouses = [...this.world.warehouses.values()];
    for (let i = 0; i < this.settings.changesPerTick; i++) {
      const warehouse = this.prng.pick(warehouses);
      const boxTypeId = this.prng.pick(warehouse.boxTypes);
      const date = this.prng.pick(dates);
      const cell = drawCell(this.prng, warehouse.demand);
      const version = grid.set(warehouse.id, date, boxTypeId, cell);
      if (isBookable(cell) && cell.coefficient <= 1) {
        this.pending.push({ warehouseId: warehouse.id, date, boxTypeId, version, atTick: this.ticks + this.prng.int(3, 30) });
      }
      out.push({ type: 'cell', warehouseId: warehouse.id, date, boxTypeId, ...cell });
    }

    const offices = this.world.transferOffices();
    if (offices.length > 0 && this.prng.chance(0.3)) {
      const officeID = this.prng.pick(offices);
      const dstQuota = this.prng.chance(0.6) ? 0 : this.prng.int(10, 500);
      const srcQuota = this.prng.chance(0.2) ? 0 : this.prng.int(50, 2000);
      this.world.setQuota(officeID, { srcQuota, dstQuota });
      out.push({ type: 'quota', officeID, srcQuota, dstQuota });
    }

    this.changes += out.length;
    return out;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.stop();
    if (!this.settings.running) return;
    this.timer = setInterval(() => {
      try {
        this.tick();
      } catch (err) {
        this.logger?.error({ event: 'sandbox.scenario_tick_failed', err }, 'scenario tick failed');
      }
    }, this.settings.tickMs);
    // The scenario must never be what keeps a process (or a test run) alive.
    this.timer.unref();
  }
}

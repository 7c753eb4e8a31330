import { describe, expect, it, vi } from 'vitest';
import { ScenarioEngine } from './scenario.ts';
import { BOX_TYPE_IDS } from './warehouse-catalogue.ts';
import { SandboxWorld } from './world.ts';

const NOON_MSK = Date.parse('2026-11-22T09:00:00Z');

function run(seed: number, ticks: number, worldSeed = 11) {
  const world = new SandboxWorld(worldSeed, () => NOON_MSK);
  const scenario = new ScenarioEngine(world, { running: false, seed, tickMs: 1000, changesPerTick: 4 });
  const changes = Array.from({ length: ticks }, () => scenario.tick());
  const cells = [...world.warehouses.keys()].flatMap((id) =>
    world.grid.dates().flatMap((d) => BOX_TYPE_IDS.map((b) => world.cell(id, d, b))),
  );
  return { world, scenario, changes, cells, quotas: world.quotaList() };
}

describe('ScenarioEngine', () => {
  it('is deterministic for a seed (fake clock, manual ticks)', () => {
    const a = run(42, 50);
    const b = run(42, 50);
    expect(b.changes).toEqual(a.changes);
    expect(b.cells).toEqual(a.cells);
    expect(b.quotas).toEqual(a.quotas);
    expect(run(43, 50).changes).not.toEqual(a.changes);
  });

  it('opens cheap slots and closes them again a few ticks later', () => {
    const { changes } = run(42, 300);
    const all = changes.flatMap((tick, i) => tick.map((change) => ({ tick: i, change })));
    const opened = all.filter(({ change: c }) => c.type === 'cell' && c.coefficient >= 0 && c.coefficient <= 1 && c.allowUnload);
    expect(opened.length).toBeGreaterThan(3);
    // Every cheap opening is overwritten later (closed by its timer within 30 ticks, or re-rolled), bar the last few.
    for (const { tick, change: o } of opened.filter((x) => x.tick < 260)) {
      if (o.type !== 'cell') continue;
      const later = all
        .slice(all.findIndex((x) => x.change === o) + 1)
        .find(({ change: c }) => c.type === 'cell' && c.warehouseId === o.warehouseId && c.date === o.date && c.boxTypeId === o.boxTypeId);
      expect(later?.tick).toBeLessThanOrEqual(tick + 30);
    }
  });

  it('jiggles transfer quotas', () => {
    const { changes } = run(42, 100);
    expect(changes.flat().some((c) => c.type === 'quota')).toBe(true);
  });

  it('restart replays the stream; a new seed changes it', () => {
    const world = new SandboxWorld(11, () => NOON_MSK);
    const scenario = new ScenarioEngine(world, { running: false, seed: 42, tickMs: 1000, changesPerTick: 4 });
    const first = Array.from({ length: 10 }, () => scenario.tick());
    world.reset();
    scenario.restart();
    expect(Array.from({ length: 10 }, () => scenario.tick())).toEqual(first);
    expect(scenario.update({ seed: 7 })).toMatchObject({ seed: 7, ticks: 0 });
    expect(Array.from({ length: 10 }, () => scenario.tick())).not.toEqual(first);
  });

  it('closes a cheap slot it opened, but not one the control API has set since', () => {
    for (const overridden of [false, true]) {
      const world = new SandboxWorld(11, () => NOON_MSK);
      const scenario = new ScenarioEngine(world, { running: false, seed: 42, tickMs: 1000, changesPerTick: 4 });
      let opened: { warehouseId: number; date: string; boxTypeId: 2 | 5 | 6 } | undefined;
      for (let i = 0; i < 300 && !opened; i++) {
        opened = scenario
          .tick()
          .flatMap((c) => (c.type === 'cell' ? [c] : []))
          .find(
            (c) =>
              c.coefficient <= 1 &&
              c.coefficient >= 0 &&
              c.allowUnload &&
              world.cell(c.warehouseId, c.date, c.boxTypeId).coefficient === c.coefficient,
          );
      }
      if (!opened) throw new Error('expected a cheap opening within 300 ticks');
      // From here on only the scenario's pending closes change cells.
      scenario.update({ changesPerTick: 0 });
      if (overridden) world.setCell(opened.warehouseId, opened.date, opened.boxTypeId, { coefficient: 0, allowUnload: true });
      const same = (c: { type: string; warehouseId?: number; date?: string; boxTypeId?: number }) =>
        c.type === 'cell' && c.warehouseId === opened.warehouseId && c.date === opened.date && c.boxTypeId === opened.boxTypeId;
      const later = Array.from({ length: 31 }, () => scenario.tick())
        .flat()
        .filter(same);
      expect(later.length > 0).toBe(!overridden);
    }
  });

  it('runs on its own timer when running, follows tickMs changes, and stops', () => {
    vi.useFakeTimers();
    try {
      const world = new SandboxWorld(11, () => NOON_MSK);
      const scenario = new ScenarioEngine(world, { running: true, seed: 1, tickMs: 10, changesPerTick: 1 });
      vi.advanceTimersByTime(35);
      expect(scenario.state().ticks).toBe(3);
      scenario.update({ tickMs: 100 });
      vi.advanceTimersByTime(250);
      expect(scenario.state().ticks).toBe(5);
      scenario.update({ running: false });
      vi.advanceTimersByTime(1_000);
      expect(scenario.state().ticks).toBe(5);
      scenario.update({ running: true });
      vi.advanceTimersByTime(100);
      scenario.stop();
      vi.advanceTimersByTime(1_000);
      expect(scenario.state().ticks).toBe(6);
    } finally {
      vi.useRealTimers();
    }
  });
});

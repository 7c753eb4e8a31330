import { describe, expect, it } from 'vitest';
import { createPrng } from './prng.ts';
import { drawCell, isBookable } from './slot-grid.ts';
import { BOX_TYPE_IDS } from './warehouse-catalogue.ts';
import { SandboxWorld } from './world.ts';

const NOON_MSK = Date.parse('2026-11-22T09:00:00Z');

const snapshot = (world: SandboxWorld) =>
  [...world.warehouses.keys()].flatMap((id) => world.grid.dates().flatMap((date) => BOX_TYPE_IDS.map((box) => world.cell(id, date, box))));

describe('SandboxWorld', () => {
  it('has ~30 warehouses including WB’s example IDs', () => {
    const world = new SandboxWorld(1, () => NOON_MSK);
    expect(world.warehouses.size).toBeGreaterThanOrEqual(28);
    expect(world.warehouses.get(507)?.name).toBe('Коледино');
    expect(world.warehouses.get(300461)?.name).toBe('Гомель 2');
    expect(world.warehouses.get(217081)?.name).toBe('Сц Брянск 2');
    expect(world.warehouses.has(117501)).toBe(true);
  });

  it('builds the same calendar from the same seed, a different one from another seed', () => {
    const a = snapshot(new SandboxWorld(7, () => NOON_MSK));
    expect(snapshot(new SandboxWorld(7, () => NOON_MSK))).toEqual(a);
    expect(snapshot(new SandboxWorld(8, () => NOON_MSK))).not.toEqual(a);
  });

  it('is mostly closed or dear, with a few cheap bookable cells', () => {
    const cells = snapshot(new SandboxWorld(3, () => NOON_MSK));
    const share = (test: (c: (typeof cells)[number]) => boolean) => cells.filter(test).length / cells.length;
    expect(share((c) => c.coefficient === -1)).toBeGreaterThan(0.4);
    const cheap = share((c) => isBookable(c) && c.coefficient <= 1);
    expect(cheap).toBeGreaterThan(0.01);
    expect(cheap).toBeLessThan(0.1);
    expect(share((c) => c.coefficient >= 6)).toBeGreaterThan(0.1);
  });

  it('shows 14 Moscow days and rolls over at Moscow midnight (21:00 UTC)', () => {
    let now = Date.parse('2026-11-22T20:59:59Z');
    const world = new SandboxWorld(1, () => now);
    expect(world.grid.dates()[0]).toBe('2026-11-22');
    expect(world.grid.dates()).toHaveLength(14);
    world.setCell(507, '2026-11-22', 2, { coefficient: 0, allowUnload: true });
    world.setCell(507, '2026-12-06', 2, { coefficient: 0, allowUnload: true });
    now = Date.parse('2026-11-22T21:00:00Z');
    expect(world.grid.dates()[0]).toBe('2026-11-23');
    expect(world.grid.dates()[13]).toBe('2026-12-06');
    // A cell set ahead of the window is there when the window reaches it; yesterday's override is forgotten.
    expect(world.cell(507, '2026-12-06', 2)).toEqual({ coefficient: 0, allowUnload: true });
    expect(world.grid.versionOf(507, '2026-11-22', 2)).toBe(0);
  });

  it('box types a warehouse does not take are always closed', () => {
    const world = new SandboxWorld(1, () => NOON_MSK);
    const sortingCentre = world.warehouses.get(217081);
    expect(sortingCentre?.boxTypes).toEqual([2]);
    for (const date of world.grid.dates()) expect(world.cell(217081, date, 5)).toEqual({ coefficient: -1, allowUnload: false });
  });

  it('drawCell leans closed for busy hubs', () => {
    const prng = createPrng(5);
    const closedShare = (demand: number) =>
      Array.from({ length: 4000 }, () => drawCell(prng, demand)).filter((c) => c.coefficient === -1).length / 4000;
    expect(closedShare(0.95)).toBeGreaterThan(closedShare(0.2));
  });
});

// warehouses.list and slots.calendar: real coefficients from the sandbox through the shared feed.
import { addDays, moscowToday } from '@slotpilot/shared';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AppRouter } from '../../src/api/router.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const user = { id: 8201, firstName: 'Inna', languageCode: 'ru' };

describe('warehouses and the calendar', () => {
  let server: TestServer;
  const setCell = (cell: Record<string, unknown>) =>
    fetch(`${server.sandboxUrl}/__sandbox/coefficients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cell),
    });

  beforeAll(async () => {
    // Today's WB: the official method off, the calendar read from the portal report with the sandbox's demo session,
    // at 20 s (the sandbox's portal bucket refills a report every 20 s; sellers' default is 60 s).
    server = await startTestServer({ PORTAL_READ_INTERVAL_MS: '20000' });
    await fetch(`${server.sandboxUrl}/__sandbox/scenario`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"running":false}',
    });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("lists WB's warehouses", async () => {
    const { warehouses, stale, source } = await server.client(user).warehouses.list.query();
    expect(stale).toBe(false);
    // WB's official list is switched off: the portal's warehouse filter stands in.
    expect(source).toBe('portal');
    expect(warehouses.length).toBeGreaterThanOrEqual(25);
    expect(warehouses.find((w) => w.id === 507)).toMatchObject({ name: expect.stringMatching(/Коледино/) });
  });

  it('shows the best current coefficient per Moscow day, following WB changes', async () => {
    const day = addDays(moscowToday(), 2);
    await setCell({ warehouseId: 507, date: day, boxTypeId: 2, coefficient: 7, allowUnload: true });
    await setCell({ warehouseId: 117501, date: day, boxTypeId: 2, coefficient: -1, allowUnload: true });
    const input = { warehouseIds: [507, 117501], boxTypeId: 2 as const };
    const first = await server.client(user).slots.calendar.query(input);
    expect(first.days).toHaveLength(14);
    expect(first.days[0]?.date).toBe(moscowToday());
    expect(first.source).toMatchObject({ kind: 'portal', state: 'ok', reason: null });
    expect(Date.now() - (first.source.updatedAt ?? 0)).toBeLessThan(60_000);
    expect(first.days.find((d) => d.date === day)?.best).toEqual({ warehouseId: 507, coefficient: 7 });

    // A free slot opens at the other warehouse: the calendar shows it after the feed's next refresh.
    await setCell({ warehouseId: 117501, date: day, boxTypeId: 2, coefficient: 0, allowUnload: true });
    await vi.waitFor(
      async () => {
        const next = await server.client(user).slots.calendar.query(input);
        expect(next.days.find((d) => d.date === day)?.best).toEqual({ warehouseId: 117501, coefficient: 0 });
      },
      { timeout: 45_000, interval: 500 },
    );
  }, 60_000);

  it('refuses unknown warehouses and backwards ranges with specific messages', async () => {
    const unknown = await server
      .client(user)
      .slots.calendar.query({ warehouseIds: [999_999_999], boxTypeId: 2 })
      .catch((e: unknown) => e as TRPCClientError<AppRouter>);
    expect(unknown).toBeInstanceOf(TRPCClientError);
    expect((unknown as TRPCClientError<AppRouter>).data?.appCode).toBe('UNKNOWN_WAREHOUSE');
    expect((unknown as TRPCClientError<AppRouter>).message).toMatch(/Склад 999999999 не найден/);

    const backwards = await server
      .client(user)
      .slots.calendar.query({ warehouseIds: [507], boxTypeId: 2, dateFrom: '2026-12-10', dateTo: '2026-12-01' })
      .catch((e: unknown) => e as TRPCClientError<AppRouter>);
    expect((backwards as TRPCClientError<AppRouter>).data?.appCode).toBe('BAD_INPUT');
    // In the user's language, naming the field; the field-level issue too.
    expect((backwards as TRPCClientError<AppRouter>).message).toBe('Поле «Дата окончания»: дата окончания раньше даты начала.');
    expect((backwards as TRPCClientError<AppRouter>).data?.issues).toEqual([
      { path: 'dateTo', message: 'Поле «Дата окончания»: дата окончания раньше даты начала' },
    ]);
  });
});

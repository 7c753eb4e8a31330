import type { WarehouseInfo } from '@slotpilot/shared';
import { protectedProcedure, router } from '../trpc.ts';

export const warehousesRouter = router({
  list: protectedProcedure.query(async ({ ctx }) => {
    const { warehouses, fetchedAt, stale, source } = await ctx.services.warehouses.list();
    const items: WarehouseInfo[] = warehouses
      .map((w) => ({ id: w.ID, name: w.name, address: w.address, isActive: w.isActive }))
      .sort((a, b) => a.name.localeCompare(b.name, 'ru'));
    return { warehouses: items, fetchedAt, stale, source };
  }),
});

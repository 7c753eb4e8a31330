import {
  addDays,
  type CalendarAnswer,
  CalendarInput,
  DomainError,
  datesBetween,
  daysInRange,
  moscowToday,
  WB_HORIZON_DAYS,
} from '@slotpilot/shared';
import { buildCalendarDays } from '../../feed/calendar-view.ts';
import { sourceGap } from '../../feed/feed-status.ts';
import { protectedProcedure, router } from '../trpc.ts';

export const slotsRouter = router({
  /** The best current coefficient per Moscow date for the chosen warehouses and box type, from the shared feed. */
  calendar: protectedProcedure.input(CalendarInput).query(async ({ ctx, input }): Promise<CalendarAnswer> => {
    const known = await ctx.services.warehouses.byId();
    const unknown = input.warehouseIds.find((id) => !known.has(id));
    if (unknown !== undefined) throw new DomainError('UNKNOWN_WAREHOUSE', { id: unknown });

    const from = input.dateFrom ?? moscowToday();
    const to = input.dateTo ?? addDays(from, WB_HORIZON_DAYS - 1);
    // The schema bounds a range given in full; this bounds one completed by the defaults (issue 14: 0001…9999 froze
    // the event loop). WB publishes 14 days, so a longer calendar would only be empty days.
    if (to >= from && daysInRange(from, to) > WB_HORIZON_DAYS) throw new DomainError('RANGE_TOO_LONG', { days: WB_HORIZON_DAYS });
    const userId = ctx.user.id;
    const found = await ctx.services.feed.read(input.warehouseIds, { waitMs: 4_000, userId });
    const status = await ctx.services.feed.sourceStatus();
    const pictures = [...found.values()];
    const of = ctx.services.feed.sourceOf(input.warehouseIds, userId);
    const reason = of.kind === 'none' ? sourceGap(status, await ctx.services.credentials.hasValidPortalSession(userId)) : null;
    return {
      days: buildCalendarDays(datesBetween(from, to), input.boxTypeId, pictures),
      source: {
        kind: of.kind,
        updatedAt: of.updatedAt,
        state: of.kind === 'none' && status.state === 'ok' ? 'degraded' : status.state,
        reason,
        fetchedAt: pictures.length ? Math.min(...pictures.map((p) => p.fetchedAt)) : null,
      },
      pendingWarehouses: input.warehouseIds.filter((id) => !found.has(id)),
    };
  }),
});

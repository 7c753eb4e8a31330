// /bookings: the user's latest bookings and transfers, newest first (the Mini App has the full history).
import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import type { BotHandlerServices } from '../services.ts';
import { warehouseNames } from '../warehouse-names.ts';

const SHOWN = 10;

export function bookingHandlers(services: BotHandlerServices) {
  const composer = new Composer<BotContext>();

  async function show(ctx: BotContext): Promise<void> {
    const { t } = ctx;
    const { bookings, transfers } = await services.tasks.history(ctx.user.id);
    const entries = [
      ...bookings.map((b) => ({ at: b.createdAt, kind: 'booking' as const, b })),
      ...transfers.map((o) => ({ at: o.createdAt, kind: 'transfer' as const, o })),
    ]
      .sort((a, b) => b.at.localeCompare(a.at))
      .slice(0, SHOWN);
    if (!entries.length) return void (await ctx.reply(t.bookings.empty));
    const names = await warehouseNames(
      services.warehouses,
      entries.flatMap((e) => (e.kind === 'booking' ? [e.b.warehouseId] : [e.o.srcWarehouseId, e.o.dstWarehouseId])),
    );
    const name = (id: number) => names.get(id) ?? `#${id}`;
    const lines = entries.map((e) =>
      e.kind === 'booking'
        ? t.bookings.booking({
            warehouse: name(e.b.warehouseId),
            date: e.b.date,
            boxType: t.boxTypes[e.b.boxTypeId] ?? String(e.b.boxTypeId),
            coefficient: e.b.coefficient,
            status: t.bookings.statuses[e.b.status] ?? e.b.status,
            supplyId: e.b.supplyId,
          })
        : t.bookings.transfer({
            from: name(e.o.srcWarehouseId),
            to: name(e.o.dstWarehouseId),
            units: e.o.units,
            status: t.bookings.statuses[e.o.status] ?? e.o.status,
            requestId: e.o.requestId,
          }),
    );
    const total = bookings.length + transfers.length;
    await ctx.reply([t.bookings.header(total), ...lines, ...(total > SHOWN ? [t.bookings.more] : [])].join('\n'), { parse_mode: 'HTML' });
  }

  composer.command('bookings', show);
  return { composer, show };
}

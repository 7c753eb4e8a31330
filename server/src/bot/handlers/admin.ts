// Operators' commands (ADMIN_IDS): /inspect <taskId> shows an actor's state and last transitions; /refund <chargeId>
// refunds a Stars payment and takes back its unused credits. Shown in the command menu of admins' chats only.
import { DomainError, TaskId } from '@slotpilot/shared';
import { Composer } from 'grammy';
import type { BotContext } from '../context.ts';
import type { BotServices } from '../services.ts';
import { escapeHtml } from '../texts/text-kit.ts';

const SHOWN_TRANSITIONS = 12;

export function adminHandlers(services: BotServices): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  // Everyone else falls through to "I did not get that": the commands do not announce themselves to non-admins.
  const admins = composer.filter((ctx) => ctx.isAdmin);

  admins.command('inspect', async (ctx) => {
    const parsed = TaskId.safeParse({ id: ctx.match.trim().toLowerCase() });
    if (!parsed.success) return void (await ctx.reply(ctx.t.admin.inspectUsage));
    const task = await services.inspection.read(parsed.data.id);
    if (!task) throw new DomainError('NOT_FOUND');
    const time = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString().slice(11, 23) : '—');
    const lines = [
      `task ${task.id}`,
      `user ${task.userId} · ${task.kind}/${task.mode}`,
      `state ${task.state}${task.outcome ? ` (${task.outcome})` : ''}`,
      `owner ${task.owner ?? '—'} until ${time(task.leaseUntil)}`,
      `next step ${time(task.nextStepAt)} · last check ${time(task.lastCheckAt)}`,
      `reason ${task.reason ?? '—'}`,
      `best seen ${task.bestSeen ? `x${task.bestSeen.coefficient} @${task.bestSeen.warehouseId} ${task.bestSeen.date}` : '—'}`,
      '',
      `last transitions (${task.transitions.length}):`,
      ...task.transitions.slice(-SHOWN_TRANSITIONS).map((r) => `${time(r.at)} ${r.event}: ${r.from} → ${r.to} ${r.summary}`.trim()),
    ];
    await ctx.reply(`<pre>${escapeHtml(lines.join('\n'))}</pre>`, { parse_mode: 'HTML' });
  });

  admins.command('refund', async (ctx) => {
    const chargeId = ctx.match.trim();
    if (!chargeId || /\s/.test(chargeId)) return void (await ctx.reply(ctx.t.admin.refundUsage));
    const result = await services.billing.refund(chargeId, ctx.user.id);
    await ctx.reply(ctx.t.admin.refunded(result));
  });

  return composer;
}

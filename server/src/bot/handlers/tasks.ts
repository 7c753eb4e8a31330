// /tasks: the user's tasks with inline pause / resume / cancel, through TaskService like the Mini App.
import type { RedistributionCriteria, SupplyCriteria, TaskView } from '@slotpilot/shared';
import { Composer, InlineKeyboard } from 'grammy';
import type { TaskCommand } from '../../monitor/actor-host.ts';
import { callbackData, type TaskAction } from '../callback-data.ts';
import type { BotContext } from '../context.ts';
import { editInPlace } from '../edit-in-place.ts';
import { webAppButton } from '../mini-app-links.ts';
import type { BotServices } from '../services.ts';
import type { Texts } from '../texts/index.ts';
import { warehouseNames } from '../warehouse-names.ts';

/** One message holds at most this many tasks (the Mini App has the rest). */
const SHOWN = 10;
const COMMANDS: Record<Exclude<TaskAction, 'cancel'>, TaskCommand> = { pause: 'PAUSE', resume: 'RESUME', cancelok: 'CANCEL' };
/** A warehouse name on a button is cut to this many characters (the button is narrow, two may share a row). */
const BUTTON_NAME_CHARS = 14;

export function taskHandlers(services: BotServices) {
  const composer = new Composer<BotContext>();

  async function render(ctx: BotContext): Promise<{ text: string; keyboard: InlineKeyboard | undefined }> {
    const { t } = ctx;
    const all = await services.tasks.list(ctx.user.id);
    // Running tasks first, then the most recently finished.
    const ordered = [...all.filter((task) => task.state !== 'done'), ...all.filter((task) => task.state === 'done')];
    const shown = ordered.slice(0, SHOWN);
    if (shown.length === 0) return { text: t.tasks.empty, keyboard: undefined };

    const names = await warehouseNames(services.warehouses, warehouseIdsOf(shown));
    const lines = shown.map((task, i) => t.tasks.line(i + 1, describe(task, names, t)));
    const keyboard = new InlineKeyboard();
    shown.forEach((task, i) => {
      const n = i + 1;
      // Buttons say which task they act on: its number and its (first) warehouse.
      const name = shortName(firstWarehouse(task, names));
      const buttons: Array<[string, string]> = [];
      if (task.state === 'idle') buttons.push([t.tasks.resume(n, name), callbackData.task('resume', task.id)]);
      if (task.state === 'polling' || task.state === 'backing-off')
        buttons.push([t.tasks.pause(n, name), callbackData.task('pause', task.id)]);
      if (task.state !== 'done' && task.state !== 'booking') buttons.push([t.tasks.cancel(n, name), callbackData.task('cancel', task.id)]);
      for (const [label, data] of buttons) keyboard.text(label, data);
      if (buttons.length) keyboard.row();
    });
    webAppButton(keyboard.text(t.tasks.refresh, callbackData.tasksRefresh()), t.common.openApp, services.links.home());
    const more = ordered.length - shown.length;
    const text = [t.tasks.header(ordered.length), ...lines, ...(more > 0 ? [t.tasks.more(more)] : [])].join('\n');
    return { text, keyboard };
  }

  async function show(ctx: BotContext): Promise<void> {
    const { text, keyboard } = await render(ctx);
    await ctx.reply(text, { parse_mode: 'HTML', ...(keyboard ? { reply_markup: keyboard } : {}) });
  }
  composer.command('tasks', show);

  /**
   * A pause / resume / cancel button (or refresh). Cancelling cannot be undone, so ✖️ first asks, on the same message;
   * the task service checks that the task is this user's.
   */
  async function onButton(ctx: BotContext, action: TaskAction | 'refresh', taskId?: string): Promise<void> {
    const { t } = ctx;
    if (action === 'cancel' && taskId) {
      const task = (await services.tasks.list(ctx.user.id)).find((x) => x.id === taskId);
      if (!task || task.state === 'done') {
        await ctx.answerCallbackQuery({ text: t.common.staleButton });
        return;
      }
      const names = await warehouseNames(services.warehouses, warehouseIdsOf([task]));
      await ctx.answerCallbackQuery();
      await editInPlace(
        ctx,
        t.tasks.confirmCancel(t.tasks.line(0, describe(task, names, t)).replace(/^0\. /, '')),
        new InlineKeyboard()
          .text(t.tasks.confirmYes, callbackData.task('cancelok', taskId))
          .text(t.tasks.confirmNo, callbackData.tasksRefresh()),
      );
      return;
    }
    let answer: string | undefined;
    if (action !== 'refresh' && action !== 'cancel' && taskId) {
      await services.tasks.command(ctx.user.id, taskId, COMMANDS[action]);
      answer = action === 'pause' ? t.tasks.paused : action === 'resume' ? t.tasks.resumed : t.tasks.cancelled;
    }
    await ctx.answerCallbackQuery(answer ? { text: answer } : undefined);
    const { text, keyboard } = await render(ctx);
    await editInPlace(ctx, text, keyboard);
  }

  return { composer, onButton, show };
}

function warehouseIdsOf(tasks: TaskView[]): number[] {
  return tasks.flatMap((task) =>
    task.kind === 'supply'
      ? (task.criteria as SupplyCriteria).warehouseIds
      : [(task.criteria as RedistributionCriteria).srcWarehouseId, (task.criteria as RedistributionCriteria).dstWarehouseId],
  );
}

function firstWarehouse(task: TaskView, names: Map<number, string>): string {
  const id =
    task.kind === 'supply' ? (task.criteria as SupplyCriteria).warehouseIds[0] : (task.criteria as RedistributionCriteria).srcWarehouseId;
  return id === undefined ? '' : (names.get(id) ?? `#${id}`);
}

function shortName(name: string): string {
  return name.length > BUTTON_NAME_CHARS ? `${name.slice(0, BUTTON_NAME_CHARS - 1)}…` : name;
}

function describe(task: TaskView, names: Map<number, string>, t: Texts) {
  const status =
    task.state === 'done' ? (t.tasks.outcomes[task.outcome ?? ''] ?? t.tasks.states.done!) : (t.tasks.states[task.state] ?? task.state);
  if (task.kind === 'supply') {
    const c = task.criteria as SupplyCriteria;
    return {
      kind: 'supply' as const,
      warehouses: c.warehouseIds.map((id) => names.get(id) ?? `#${id}`).join(', '),
      boxType: t.boxTypes[c.boxTypeId] ?? String(c.boxTypeId),
      coefficient: t.coefficient(c.maxCoefficient),
      dateFrom: c.dateFrom,
      dateTo: c.dateTo,
      units: 0,
      status,
    };
  }
  const c = task.criteria as RedistributionCriteria;
  return {
    kind: 'redistribution' as const,
    warehouses: `${names.get(c.srcWarehouseId) ?? c.srcWarehouseId} → ${names.get(c.dstWarehouseId) ?? c.dstWarehouseId}`,
    boxType: '',
    coefficient: '',
    dateFrom: '',
    dateTo: '',
    units: c.units,
    status,
  };
}

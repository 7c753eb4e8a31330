// /new: a notify task without the Mini App. Warehouse(s) → box type → highest coefficient → dates on an inline calendar,
// all in one message edited in place; "add a warehouse" at the box step makes one task watch several. The draft lives in the session (Redis), so it survives restarts and replicas.
import { addDays, CreateSupplyTaskInput, insightLine, MAX_TASK_WAREHOUSES, moscowToday } from '@slotpilot/shared';
import { Composer, InlineKeyboard } from 'grammy';
import { MAX_DAYS_AHEAD } from '../../monitor/task-service.ts';
import type { Warehouse } from '../../wb/official-schemas.ts';
import { calendarKeyboard, type DateBounds, monthInBounds, monthOf, pickDay } from '../calendar-keyboard.ts';
import { type CallbackData, callbackData, isoDate } from '../callback-data.ts';
import type { BotContext, NewTaskDraft } from '../context.ts';
import { editInPlace } from '../edit-in-place.ts';
import { webAppButton } from '../mini-app-links.ts';
import type { BotServices } from '../services.ts';
import type { Texts } from '../texts/index.ts';
import { searchByName } from '../warehouse-search.ts';

const PAGE_SIZE = 8;
const COEFFICIENTS = [0, 1, 2, 3, 5, 10, 20];
const BOX_TYPE_IDS = [2, 5, 6] as const;
const MAX_QUERY_SHOWN = 64;

type DraftCallback = Extract<
  CallbackData,
  { type: 'warehouse' | 'warehouse-page' | 'box' | 'coefficient' | 'calendar' | 'new-back' | 'new-cancel' | 'new-add' }
>;

interface View {
  text: string;
  keyboard?: InlineKeyboard;
}

export function newTaskHandlers(services: BotServices) {
  const composer = new Composer<BotContext>();

  async function activeWarehouses(): Promise<Warehouse[]> {
    const { warehouses } = await services.warehouses.list();
    return warehouses.filter((w) => w.isActive).sort((a, b) => a.name.localeCompare(b.name, 'ru'));
  }

  function warehouseKeyboard(t: Texts, items: Warehouse[], page?: { page: number; pages: number }): InlineKeyboard {
    const keyboard = new InlineKeyboard();
    items.forEach((w, i) => {
      keyboard.text(w.name, callbackData.warehouse(w.ID));
      if (i % 2 === 1) keyboard.row();
    });
    if (items.length % 2 === 1) keyboard.row();
    if (page && page.pages > 1) {
      keyboard
        .text('«', callbackData.warehousePage((page.page - 1 + page.pages) % page.pages))
        .text(`${page.page + 1}/${page.pages}`, callbackData.warehousePage(page.page))
        .text('»', callbackData.warehousePage((page.page + 1) % page.pages))
        .row();
    }
    return keyboard.text(t.newTask.cancel, callbackData.newCancel());
  }

  async function warehouseView(t: Texts, requestedPage: number): Promise<View & { page: number }> {
    const all = await activeWarehouses();
    const pages = Math.max(1, Math.ceil(all.length / PAGE_SIZE));
    const page = Math.min(Math.max(0, requestedPage), pages - 1);
    const items = all.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    return { page, text: t.newTask.chooseWarehouse(page + 1, pages), keyboard: warehouseKeyboard(t, items, { page, pages }) };
  }

  function boxView(t: Texts, draft: NewTaskDraft): View {
    const keyboard = new InlineKeyboard();
    const offered = BOX_TYPE_IDS.filter((id) => !draft.boxTypeIds || draft.boxTypeIds.includes(id));
    for (const id of offered.length ? offered : BOX_TYPE_IDS) keyboard.text(t.boxTypes[id] ?? String(id), callbackData.box(id));
    keyboard.row().text(t.newTask.back, callbackData.newBack()).text(t.newTask.cancel, callbackData.newCancel());
    if (idsOf(draft).length < MAX_TASK_WAREHOUSES) keyboard.row().text(t.newTask.addWarehouse, callbackData.newAdd());
    return { text: t.newTask.chooseBox(namesOf(draft)), keyboard };
  }

  function coefficientView(t: Texts, draft: NewTaskDraft): View {
    const keyboard = new InlineKeyboard();
    COEFFICIENTS.forEach((c, i) => {
      keyboard.text(c === 0 ? '0' : `≤ x${c}`, callbackData.coefficient(c));
      if (i === 3) keyboard.row();
    });
    keyboard.row().text(t.newTask.back, callbackData.newBack()).text(t.newTask.cancel, callbackData.newCancel());
    // The threshold suggestion helps choose; below the minimum observation, how little there is.
    const insight = draft.insight;
    const hint = insight?.insufficient ?? insight?.suggestion ?? undefined;
    return { text: withInsight(t, t.newTask.chooseCoefficient(namesOf(draft), boxName(t, draft)), draft, hint), keyboard };
  }

  /** The view's text with the insight line under it (about the first warehouse, named when there are several). */
  function withInsight(t: Texts, text: string, draft: NewTaskDraft, line: string | undefined): string {
    if (!line) return text;
    const names = namesList(draft);
    return `${text}\n\n${t.newTask.insight(line, names.length > 1 ? names[0] : undefined)}`;
  }

  /** The line for the chosen maximum, or how little history there is. */
  function insightFor(draft: NewTaskDraft): string | undefined {
    const insight = draft.insight;
    return insight?.insufficient ?? insight?.lines[COEFFICIENTS.indexOf(draft.maxCoefficient ?? -1)];
  }

  /**
   * What `insights.warehouse` (7 days) says about the first warehouse and the box type, as words for every maximum
   * offered. Nothing when the history cannot answer now (the flow never waits on it or fails for it).
   */
  async function insightOf(ctx: BotContext, draft: NewTaskDraft): Promise<NewTaskDraft['insight']> {
    const warehouseId = idsOf(draft)[0];
    if (!services.insights || warehouseId === undefined || draft.boxTypeId === undefined) return undefined;
    try {
      const answer = await services.insights.warehouse(ctx.user.id, { warehouseId, boxTypeId: draft.boxTypeId, days: 7 });
      if (answer.status === 'insufficient') return { insufficient: insightLine(ctx.language, answer, 0).text, lines: [], suggestion: null };
      return {
        lines: COEFFICIENTS.map((c) => insightLine(ctx.language, answer, c).text),
        suggestion: insightLine(ctx.language, answer, 0).suggestion,
      };
    } catch (err) {
      services.logger.info({ event: 'bot.insight_unavailable', warehouseId, err }, 'no slot history line for /new');
      return undefined;
    }
  }

  function datesView(t: Texts, draft: NewTaskDraft, bounds: DateBounds): View {
    const view = draft.view ?? monthOf(bounds.min);
    return {
      text: withInsight(
        t,
        t.newTask.chooseDates(namesOf(draft), boxName(t, draft), t.coefficient(draft.maxCoefficient ?? 0), draft.start, draft.end),
        draft,
        insightFor(draft),
      ),
      keyboard: calendarKeyboard(view, { start: draft.start, end: draft.end }, bounds, t),
    };
  }

  /** What the feed says the warehouse accepts; on no answer within a moment, every type (WB re-checks anyway). */
  async function acceptedBoxTypes(warehouseId: number, userId: number): Promise<number[] | undefined> {
    if (!services.boxTypesOf) return undefined;
    try {
      const types = await services.boxTypesOf(warehouseId, userId);
      return types?.length ? types : undefined;
    } catch (err) {
      services.logger.warn({ event: 'bot.box_types_failed', warehouseId, err }, 'could not read the box types of a warehouse');
      return undefined;
    }
  }

  const show = (ctx: BotContext, view: View) => editInPlace(ctx, view.text, view.keyboard);

  async function begin(ctx: BotContext): Promise<void> {
    const view = await warehouseView(ctx.t, 0);
    const sent = await ctx.reply(view.text, { parse_mode: 'HTML', ...(view.keyboard ? { reply_markup: view.keyboard } : {}) });
    // A new draft replaces any older one: the older message's buttons become stale.
    ctx.session.newTask = { step: 'warehouse', messageId: sent.message_id, warehousePage: view.page };
  }
  composer.command('new', begin);

  // Typing part of a warehouse's name while the draft waits for a warehouse.
  composer.on('message:text', async (ctx, next) => {
    const draft = ctx.session.newTask;
    const query = ctx.message.text.trim();
    if (draft?.step !== 'warehouse' || query.startsWith('/')) return next();
    const matches = searchByName(await activeWarehouses(), query).slice(0, PAGE_SIZE);
    // The query is echoed back: a pasted novel is cut to what a warehouse name could be.
    const shownQuery = query.length > MAX_QUERY_SHOWN ? `${query.slice(0, MAX_QUERY_SHOWN)}…` : query;
    const sent = await ctx.reply(ctx.t.newTask.matches(shownQuery, matches.length), {
      parse_mode: 'HTML',
      reply_markup: warehouseKeyboard(ctx.t, matches),
    });
    ctx.session.newTask = { ...draft, messageId: sent.message_id };
    // The draft moved to the new message: the old one's buttons would only say "out of date", so they go.
    await ctx.api
      .editMessageReplyMarkup(ctx.chat.id, draft.messageId)
      .catch((err: unknown) => services.logger.debug({ event: 'bot.old_draft_keyboard', err }, 'could not clear an old draft keyboard'));
  });

  /** The draft a button belongs to, or the polite reason it does not. */
  function draftFor(ctx: BotContext, steps: ReadonlyArray<NewTaskDraft['step']>): NewTaskDraft | string {
    const draft = ctx.session.newTask;
    if (!draft) return ctx.t.common.flowExpired;
    if (ctx.callbackQuery?.message?.message_id !== draft.messageId || !steps.includes(draft.step)) return ctx.t.common.staleButton;
    return draft;
  }

  async function onButton(ctx: BotContext, data: DraftCallback): Promise<void> {
    const { t } = ctx;
    const today = moscowToday();
    const bounds: DateBounds = { min: today, max: addDays(today, MAX_DAYS_AHEAD) };
    const expected: Record<DraftCallback['type'], ReadonlyArray<NewTaskDraft['step']>> = {
      warehouse: ['warehouse'],
      'warehouse-page': ['warehouse'],
      box: ['box'],
      coefficient: ['coefficient'],
      calendar: ['dates'],
      'new-back': ['box', 'coefficient', 'dates'],
      'new-cancel': ['warehouse', 'box', 'coefficient', 'dates'],
      'new-add': ['box'],
    };
    const draft = draftFor(ctx, expected[data.type]);
    if (typeof draft === 'string') {
      await ctx.answerCallbackQuery({ text: draft });
      return;
    }

    let answer: string | undefined;
    let next: NewTaskDraft | undefined = draft;
    let view: View | undefined;
    switch (data.type) {
      case 'warehouse-page': {
        const page = await warehouseView(t, data.page);
        next = { ...draft, warehousePage: page.page };
        view = page;
        break;
      }
      case 'warehouse': {
        const warehouse = (await activeWarehouses()).find((w) => w.ID === data.warehouseId);
        if (!warehouse) {
          answer = t.common.staleButton;
          break;
        }
        // A first pick starts the list; a pick after "add a warehouse" extends it (once per warehouse).
        const keep = draft.adding ? idsOf(draft).map((id, i) => [id, namesList(draft)[i] ?? `#${id}`] as const) : [];
        const picked = keep.some(([id]) => id === warehouse.ID) ? keep : [...keep, [warehouse.ID, warehouse.name] as const];
        const ids = picked.map(([id]) => id);
        const accepted = await Promise.all(ids.map((id) => acceptedBoxTypes(id, ctx.user.id)));
        next = {
          ...draft,
          step: 'box',
          adding: false,
          warehouseId: ids[0],
          warehouseName: picked[0]?.[1],
          warehouseIds: ids,
          warehouseNames: picked.map(([, name]) => name),
          // Every warehouse of the task must take the box type: the types all of them list (unknown ones allow all).
          boxTypeIds: intersect(accepted),
        };
        view = boxView(t, next);
        break;
      }
      case 'new-add': {
        const page = await warehouseView(t, draft.warehousePage);
        next = { ...draft, step: 'warehouse', adding: true };
        view = { ...page, text: `${page.text}\n${t.newTask.adding(namesOf(draft))}` };
        break;
      }
      case 'box':
        if (draft.boxTypeIds && !draft.boxTypeIds.includes(data.boxTypeId)) {
          answer = t.newTask.boxNotAccepted;
          view = undefined;
          break;
        }
        next = { ...draft, step: 'coefficient', boxTypeId: data.boxTypeId };
        next.insight = await insightOf(ctx, next);
        view = coefficientView(t, next);
        break;
      case 'coefficient':
        next = { ...draft, step: 'dates', maxCoefficient: data.value, view: monthOf(bounds.min), start: undefined, end: undefined };
        view = datesView(t, next, bounds);
        break;
      case 'new-back':
        if (draft.step === 'box') {
          const page = await warehouseView(t, draft.warehousePage);
          next = { ...draft, step: 'warehouse' };
          view = page;
        } else if (draft.step === 'coefficient') {
          next = { ...draft, step: 'box' };
          view = boxView(t, next);
        } else {
          next = { ...draft, step: 'coefficient' };
          view = coefficientView(t, next);
        }
        break;
      case 'new-cancel':
        next = undefined;
        view = { text: t.newTask.cancelled };
        break;
      case 'calendar': {
        const result = await onCalendar(ctx, draft, data, bounds);
        if (result === undefined) return; // answered, nothing changes
        ({ next, view, answer } = result);
        break;
      }
    }
    ctx.session.newTask = next;
    await ctx.answerCallbackQuery(answer ? { text: answer } : undefined);
    if (view) await show(ctx, view);
  }

  async function onCalendar(
    ctx: BotContext,
    draft: NewTaskDraft,
    data: Extract<CallbackData, { type: 'calendar' }>,
    bounds: DateBounds,
  ): Promise<{ next: NewTaskDraft | undefined; view: View; answer?: string } | undefined> {
    const { t } = ctx;
    switch (data.action) {
      case 'noop':
        await ctx.answerCallbackQuery(data.day > 0 ? { text: t.newTask.unavailableDay } : undefined);
        return undefined;
      case 'nav': {
        const view = { year: data.year, month: data.month };
        if (!monthInBounds(view, bounds)) {
          await ctx.answerCallbackQuery({ text: t.newTask.monthOutOfRange });
          return undefined;
        }
        const next = { ...draft, view };
        return { next, view: datesView(t, next, bounds) };
      }
      case 'pick': {
        const day = isoDate(data.year, data.month, data.day);
        if (day < bounds.min || day > bounds.max) {
          await ctx.answerCallbackQuery({ text: t.newTask.unavailableDay });
          return undefined;
        }
        const picked = pickDay({ start: draft.start, end: draft.end }, day);
        const next = { ...draft, ...picked.range, end: picked.range.end, view: { year: data.year, month: data.month } };
        const answer =
          picked.outcome === 'end-before-start'
            ? t.newTask.endBeforeStart
            : picked.outcome === 'range'
              ? t.newTask.rangePicked
              : t.newTask.startPicked;
        return { next, view: datesView(t, next, bounds), answer };
      }
      case 'clear': {
        const next = { ...draft, start: undefined, end: undefined };
        return { next, view: datesView(t, next, bounds) };
      }
      case 'done': {
        if (!draft.start || idsOf(draft).length === 0 || draft.boxTypeId === undefined || draft.maxCoefficient === undefined) {
          await ctx.answerCallbackQuery({ text: t.newTask.needStart });
          return undefined;
        }
        const dateTo = draft.end ?? draft.start;
        const input = CreateSupplyTaskInput.parse({
          kind: 'supply',
          mode: 'notify',
          warehouseIds: idsOf(draft),
          boxTypeId: draft.boxTypeId,
          dateFrom: draft.start,
          dateTo,
          maxCoefficient: draft.maxCoefficient,
        });
        // A DomainError (say, the start day passed at midnight) reaches the error boundary: shown, draft kept.
        await services.tasks.create(ctx.user.id, input);
        const text = t.newTask.created(namesOf(draft), boxName(t, draft), t.coefficient(draft.maxCoefficient), draft.start, dateTo);
        return { next: undefined, view: { text, keyboard: webAppButton(new InlineKeyboard(), t.common.openApp, services.links.home()) } };
      }
    }
  }

  return { composer, onButton, begin };
}

function idsOf(draft: NewTaskDraft): number[] {
  return draft.warehouseIds ?? (draft.warehouseId === undefined ? [] : [draft.warehouseId]);
}

function namesList(draft: NewTaskDraft): string[] {
  return draft.warehouseNames ?? (draft.warehouseName === undefined ? [] : [draft.warehouseName]);
}

function namesOf(draft: NewTaskDraft): string {
  return namesList(draft).join(', ');
}

/** The box types every warehouse lists; undefined (all) when none of them is known. */
function intersect(lists: Array<number[] | undefined>): number[] | undefined {
  const known = lists.filter((l): l is number[] => l !== undefined);
  if (!known.length) return undefined;
  return known.reduce((a, b) => a.filter((id) => b.includes(id)));
}

function boxName(t: Texts, draft: NewTaskDraft): string {
  return draft.boxTypeId === undefined ? '' : (t.boxTypes[draft.boxTypeId] ?? String(draft.boxTypeId));
}

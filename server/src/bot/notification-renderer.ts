// Outbox rows (domain events from the engine) as Telegram messages in the user's language: names instead of ids, the
// time in Moscow, and the buttons that let the user act on them.
import { type Language, MOSCOW_TIME_ZONE, type SupplyCriteria } from '@slotpilot/shared';
import { InlineKeyboard } from 'grammy';
import type { InlineKeyboardButton } from 'grammy/types';
import { z } from 'zod';
import type { BillingService } from '../accounts/billing-service.ts';
import type { CredentialService } from '../accounts/credential-service.ts';
import type { WarehouseDirectory } from '../feed/warehouse-directory.ts';
import type { TaskService } from '../monitor/task-service.ts';
import type { NotificationRenderer, OutboxNotification, RenderedNotification } from '../notify/outbox-delivery.ts';
import { packsKeyboard } from './handlers/payments.ts';
import type { DeepLinkBot, MiniAppLinks, StartAppTarget } from './mini-app-links.ts';
import { isWebAppUrl, startAppLink, webAppButton } from './mini-app-links.ts';
import { reasonActions, WB_PORTAL_URL } from './reason-actions.ts';
import type { BotServices } from './services.ts';
import { type Texts, textsFor } from './texts/index.ts';
import type { NotificationDetails } from './texts/text-kit.ts';
import { warehouseName } from './warehouse-names.ts';

const id = z.union([z.number(), z.string()]).transform(String);
const Schemas = {
  booked: z.object({
    taskId: z.string(),
    bookingId: id,
    supplyId: id,
    warehouseId: z.number(),
    date: z.string(),
    coefficient: z.number().optional(),
    credentialId: z.string().optional(),
  }),
  slot_found: z.object({
    taskId: z.string(),
    warehouseId: z.number(),
    date: z.string(),
    coefficient: z.number(),
    boxTypeId: z.number().optional(),
    bookUrl: z.string().optional(),
  }),
  task_failed: z.object({
    taskId: z.string(),
    reason: z.string(),
    warehouseId: z.number().optional(),
    actionUrl: z.string().optional(),
    /** task_ended only: how the task ended (`failed`, `needs-action`, `expired`). */
    outcome: z.string().optional(),
  }),
  credential_invalid: z.object({ credentialId: z.string(), name: z.string(), kind: z.string(), reason: z.string() }),
  credits_exhausted: z.object({ taskId: z.string() }),
  redistribution_done: z.object({ taskId: z.string(), from: z.number(), to: z.number(), units: z.number(), requestId: id }),
  redistribution_quota_open: z.object({
    taskId: z.string(),
    nmId: z.number().int(),
    sizeName: z.string().max(64).optional(),
    fromWarehouseId: z.number().int(),
    fromWarehouseName: z.string().max(200).default(''),
    toWarehouseId: z.number().int(),
    toWarehouseName: z.string().max(200).default(''),
    availableUnits: z.number().int().nonnegative(),
  }),
  source_disabled: z.object({}).passthrough(),
  payment_refunded: z.object({ chargeId: z.string(), stars: z.number(), removedCredits: z.number() }),
  payment_credited: z.object({ chargeId: z.string(), credits: z.number(), paid: z.number(), trial: z.number() }),
  payment_refused: z.object({ chargeId: z.string(), stars: z.number() }),
};

export interface NotificationRendererDeps {
  warehouses: WarehouseDirectory;
  tasks: Pick<TaskService, 'list'>;
  cellOpen?: BotServices['cellOpen'];
  credentials: CredentialService;
  billing: BillingService;
  links: MiniAppLinks;
  /** The bot as getMe described it (undefined until Telegram answered): `startapp` deep links need its username. */
  deepLinkBot?: () => DeepLinkBot | undefined;
}

const EMPTY: NotificationDetails = {
  warehouse: '',
  date: '',
  time: '',
  credential: '—',
  supplyId: '',
  bookingId: '',
  reason: '',
  from: '',
  to: '',
  units: 0,
  requestId: '',
};

const MAX_TASK_BUTTONS = 3;
const isHttps = (url: string) => /^https:\/\//.test(url);

export function notificationRenderer(deps: NotificationRendererDeps): NotificationRenderer {
  /** `до x2 · 05.12–12.12 · автобронь` for each of these tasks of the user that still exists. */
  async function describeTasks(userId: number, taskIds: string[], t: Texts): Promise<Map<string, string>> {
    const wanted = new Set(taskIds);
    const described = new Map<string, string>();
    for (const task of await deps.tasks.list(userId)) {
      if (!wanted.has(task.id) || task.kind !== 'supply') continue;
      const c = task.criteria as SupplyCriteria;
      described.set(task.id, t.notify.taskShort(task.mode, t.coefficient(c.maxCoefficient), c.dateFrom, c.dateTo));
    }
    return described;
  }

  const moscowTime = new Intl.DateTimeFormat('en-GB', { timeZone: MOSCOW_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  /**
   * A button into the Mini App at a task's screen: a `startapp` deep link when the bot has a main Mini App (it survives
   * forwarding and opens the app full size), else a web_app button; nothing without an https Mini App.
   */
  function appButton(text: string, target: StartAppTarget): InlineKeyboardButton | undefined {
    const url = target.screen === 'found' ? deps.links.slotFound(target.taskId) : deps.links.task(target.taskId);
    const deepLink = startAppLink(deps.deepLinkBot?.(), url, target);
    if (deepLink) return InlineKeyboard.url(text, deepLink);
    return isWebAppUrl(url) ? InlineKeyboard.webApp(text, url) : undefined;
  }
  const keyboardOf = (...buttons: Array<InlineKeyboardButton | undefined>) =>
    InlineKeyboard.from(buttons.filter((b): b is InlineKeyboardButton => b !== undefined).map((b) => [b]));

  return async (notification: OutboxNotification, language: Language): Promise<RenderedNotification | undefined> => {
    const t = textsFor(language);
    const time = moscowTime.format(notification.createdAt);
    /** The buttons that fit a reason: the event's own link, the WB portal, Keys, the task. */
    const reasonKeyboard = (tx: Texts, reason: string, taskId: string, actionUrl: string | undefined) => {
      const rows: InlineKeyboardButton[][] = [];
      for (const action of reasonActions(reason)) {
        if (action === 'link' && actionUrl && isHttps(actionUrl)) rows.push([InlineKeyboard.url(tx.notify.actionButton, actionUrl)]);
        if (action === 'portal') rows.push([InlineKeyboard.url(tx.notify.portalButton, WB_PORTAL_URL)]);
        if (action === 'keys' && isWebAppUrl(deps.links.keys()))
          rows.push([InlineKeyboard.webApp(tx.notify.keysButton, deps.links.keys())]);
        if (action === 'task') {
          const button = appButton(tx.notify.openTask, { screen: 'task', taskId });
          if (button) rows.push([button]);
        }
      }
      return InlineKeyboard.from(rows);
    };
    const openTask = (taskId: string) => keyboardOf(appButton(t.notify.openTask, { screen: 'task', taskId }));
    const { payload } = notification;

    switch (notification.kind) {
      case 'booked': {
        const p = Schemas.booked.safeParse(payload);
        if (!p.success) return undefined;
        const { taskId, bookingId, supplyId, warehouseId, date, coefficient, credentialId } = p.data;
        const credential = credentialId ? (await deps.credentials.list(notification.userId)).find((c) => c.id === credentialId) : undefined;
        const text = t.notify.booked({
          ...EMPTY,
          warehouse: await warehouseName(deps.warehouses, warehouseId),
          date,
          time,
          coefficient,
          credential: credential ? `${credential.name}${credential.sellerName ? ` (${credential.sellerName})` : ''}` : '—',
          supplyId,
          bookingId,
        });
        return { text, replyMarkup: openTask(taskId) };
      }
      case 'slot_found': {
        const p = Schemas.slot_found.safeParse(payload);
        if (!p.success) return undefined;
        const { taskId, warehouseId, date, coefficient, boxTypeId, bookUrl } = p.data;
        // Every task this cell matched (this row and the ones coalesced into it), described in a few words.
        const taskIds = [
          ...new Set([taskId, ...(notification.coalesced ?? []).map((c) => Schemas.slot_found.safeParse(c.payload).data?.taskId)]),
        ].filter((id): id is string => id !== undefined);
        const described = taskIds.length > 1 ? await describeTasks(notification.userId, taskIds, t) : new Map<string, string>();
        const text = t.notify.slotFound({
          ...EMPTY,
          warehouse: await warehouseName(deps.warehouses, warehouseId),
          date,
          time,
          coefficient,
          boxType: boxTypeId === undefined ? undefined : t.boxTypes[boxTypeId],
          tasks: taskIds.length > 1 ? taskIds.map((id) => described.get(id) ?? id.slice(0, 8)) : undefined,
          ageMinutes: Math.floor((Date.now() - notification.createdAt.getTime()) / 60_000),
          closed: deps.cellOpen?.({ warehouseId, date, boxTypeId }, notification.userId) === false,
        });
        const rows: InlineKeyboardButton[][] = [];
        if (bookUrl && isHttps(bookUrl)) rows.push([InlineKeyboard.url(t.notify.bookButton, bookUrl)]);
        // (A closed cell keeps the button: WB's page shows the seller what is open now.)
        const shownTasks = taskIds.slice(0, MAX_TASK_BUTTONS);
        for (const id of shownTasks) {
          const label = shownTasks.length > 1 ? `${t.notify.openTask}: ${described.get(id) ?? id.slice(0, 8)}` : t.notify.openTask;
          const button = appButton(label.slice(0, 64), { screen: 'found', taskId: id });
          if (button) rows.push([button]);
        }
        return { text, replyMarkup: InlineKeyboard.from(rows) };
      }
      case 'task_failed':
      case 'needs_action':
      case 'task_ended': {
        const p = Schemas.task_failed.safeParse(payload);
        if (!p.success) return undefined;
        const { taskId, reason, warehouseId, actionUrl } = p.data;
        const details = {
          ...EMPTY,
          reason,
          warehouse: warehouseId === undefined ? '' : await warehouseName(deps.warehouses, warehouseId),
        };
        const text =
          notification.kind === 'task_failed'
            ? t.notify.taskFailed(details)
            : notification.kind === 'needs_action'
              ? t.notify.needsAction(details)
              : reason === 'expired'
                ? t.notify.taskExpired(details)
                : p.data.outcome === 'needs-action'
                  ? t.notify.needsAction(details)
                  : t.notify.taskFailed(details);
        return { text, replyMarkup: reasonKeyboard(t, reason, taskId, actionUrl) };
      }
      case 'credential_invalid': {
        const p = Schemas.credential_invalid.safeParse(payload);
        if (!p.success) return undefined;
        return {
          text: t.notify.credentialInvalid({ ...EMPTY, credential: p.data.name, credentialKind: p.data.kind, reason: p.data.reason }),
          replyMarkup: webAppButton(new InlineKeyboard(), t.notify.keysButton, deps.links.keys()),
        };
      }
      case 'credits_exhausted': {
        if (!Schemas.credits_exhausted.safeParse(payload).success) return undefined;
        return {
          text: t.notify.creditsExhausted(),
          replyMarkup: webAppButton(packsKeyboard(deps, t, language), t.common.openApp, deps.links.credits()),
        };
      }
      case 'redistribution_done': {
        const p = Schemas.redistribution_done.safeParse(payload);
        if (!p.success) return undefined;
        const { taskId, from, to, units, requestId } = p.data;
        const text = t.notify.redistributionDone({
          ...EMPTY,
          from: await warehouseName(deps.warehouses, from),
          to: await warehouseName(deps.warehouses, to),
          units,
          requestId,
        });
        return { text, replyMarkup: openTask(taskId) };
      }
      case 'redistribution_quota_open': {
        const p = Schemas.redistribution_quota_open.safeParse(payload);
        if (!p.success) return undefined;
        // Every task of this user on the route whose limits opened (this row and the ones coalesced into it).
        const alerts = [p.data, ...(notification.coalesced ?? []).map((c) => Schemas.redistribution_quota_open.safeParse(c.payload).data)]
          .filter((a): a is NonNullable<typeof a> => a !== undefined)
          .filter((a, i, all) => all.findIndex((b) => b.taskId === a.taskId) === i);
        const named = async (name: string, warehouseId: number) => name || (await warehouseName(deps.warehouses, warehouseId));
        const text = t.notify.quotaOpen({
          from: await named(p.data.fromWarehouseName, p.data.fromWarehouseId),
          to: await named(p.data.toWarehouseName, p.data.toWarehouseId),
          items: alerts.map((a) => ({ nmId: a.nmId, sizeName: a.sizeName, units: a.availableUnits })),
        });
        const shown = alerts.slice(0, MAX_TASK_BUTTONS);
        return {
          text,
          replyMarkup: keyboardOf(
            ...shown.map((a) =>
              appButton(shown.length > 1 ? `${t.notify.openTask}: ${a.nmId}`.slice(0, 64) : t.notify.openTask, {
                screen: 'task',
                taskId: a.taskId,
              }),
            ),
            isWebAppUrl(deps.links.redistribution())
              ? InlineKeyboard.webApp(t.notify.redistributionButton, deps.links.redistribution())
              : undefined,
          ),
        };
      }
      case 'source_disabled':
        return { text: t.notify.sourceDisabled() };
      case 'payment_refunded': {
        const p = Schemas.payment_refunded.safeParse(payload);
        if (!p.success) return undefined;
        return { text: t.admin.refundedToUser(p.data.stars, p.data.removedCredits) };
      }
      case 'payment_credited': {
        const p = Schemas.payment_credited.safeParse(payload);
        if (!p.success) return undefined;
        return { text: t.notify.paymentCredited(p.data.credits, { trial: p.data.trial, paid: p.data.paid }, p.data.chargeId) };
      }
      case 'payment_refused': {
        const p = Schemas.payment_refused.safeParse(payload);
        if (!p.success) return undefined;
        return { text: t.notify.paymentRefused(p.data.stars, p.data.chargeId) };
      }
      case 'test_alert':
        return { text: t.notify.testAlert() };
      default:
        return undefined;
    }
  };
}

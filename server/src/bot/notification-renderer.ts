// Outbox rows (domain events from the engine) as Telegram messages in the user's language: names instead of ids, the
// time in Moscow, and the buttons that let the user act on them.
import { type Language, MOSCOW_TIME_ZONE } from '@slotpilot/shared';
import { InlineKeyboard } from 'grammy';
import { z } from 'zod';
import type { BillingService } from '../accounts/billing-service.ts';
import type { CredentialService } from '../accounts/credential-service.ts';
import type { WarehouseDirectory } from '../feed/warehouse-directory.ts';
import type { NotificationRenderer, OutboxNotification, RenderedNotification } from '../notify/outbox-delivery.ts';
import { packsKeyboard } from './handlers/payments.ts';
import type { MiniAppLinks } from './mini-app-links.ts';
import { webAppButton } from './mini-app-links.ts';
import { textsFor } from './texts/index.ts';
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
  task_failed: z.object({ taskId: z.string(), reason: z.string(), warehouseId: z.number().optional(), actionUrl: z.string().optional() }),
  credential_invalid: z.object({ credentialId: z.string(), name: z.string(), kind: z.string(), reason: z.string() }),
  credits_exhausted: z.object({ taskId: z.string() }),
  redistribution_done: z.object({ taskId: z.string(), from: z.number(), to: z.number(), units: z.number(), requestId: id }),
  source_disabled: z.object({}).passthrough(),
  payment_refunded: z.object({ chargeId: z.string(), stars: z.number(), removedCredits: z.number() }),
  payment_credited: z.object({ chargeId: z.string(), credits: z.number(), paid: z.number(), trial: z.number() }),
  payment_refused: z.object({ chargeId: z.string(), stars: z.number() }),
};

export interface NotificationRendererDeps {
  warehouses: WarehouseDirectory;
  credentials: CredentialService;
  billing: BillingService;
  links: MiniAppLinks;
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

export function notificationRenderer(deps: NotificationRendererDeps): NotificationRenderer {
  const moscowTime = new Intl.DateTimeFormat('en-GB', { timeZone: MOSCOW_TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

  return async (notification: OutboxNotification, language: Language): Promise<RenderedNotification | undefined> => {
    const t = textsFor(language);
    const time = moscowTime.format(notification.createdAt);
    const openTask = (taskId: string) => webAppButton(new InlineKeyboard(), t.notify.openTask, deps.links.task(taskId));
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
        const text = t.notify.slotFound({
          ...EMPTY,
          warehouse: await warehouseName(deps.warehouses, warehouseId),
          date,
          time,
          coefficient,
          boxType: boxTypeId === undefined ? undefined : t.boxTypes[boxTypeId],
        });
        const keyboard = new InlineKeyboard();
        if (bookUrl && /^https:\/\//.test(bookUrl)) keyboard.url(t.notify.bookButton, bookUrl).row();
        return { text, replyMarkup: webAppButton(keyboard, t.notify.openTask, deps.links.task(taskId)) };
      }
      case 'task_failed':
      case 'needs_action': {
        const p = Schemas.task_failed.safeParse(payload);
        if (!p.success) return undefined;
        const { taskId, reason, warehouseId, actionUrl } = p.data;
        const details = {
          ...EMPTY,
          reason,
          warehouse: warehouseId === undefined ? '' : await warehouseName(deps.warehouses, warehouseId),
        };
        if (notification.kind === 'task_failed') return { text: t.notify.taskFailed(details), replyMarkup: openTask(taskId) };
        const keyboard = new InlineKeyboard();
        if (actionUrl && /^https:\/\//.test(actionUrl)) keyboard.url(t.notify.actionButton, actionUrl).row();
        return { text: t.notify.needsAction(details), replyMarkup: webAppButton(keyboard, t.notify.openTask, deps.links.task(taskId)) };
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
      default:
        return undefined;
    }
  };
}

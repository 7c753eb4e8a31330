// Every message the bot sends in English, in one place (the same shape as ru.ts).
import { creditsLabel } from '@slotpilot/shared';
import type { Texts } from './ru.ts';
import {
  type Credits,
  escapeHtml as e,
  type NotificationDetails,
  type QuotaOpenDetails,
  type RefundSummary,
  type TaskLine,
} from './text-kit.ts';

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** `2026-11-25` → `Wed 25 November`. */
function date(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAY_NAMES[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7];
  return `${weekday} ${d} ${MONTHS[m - 1]}`;
}
/** A slot alert delivered this many minutes late no longer says "book now". */
const STALE_ALERT_MINUTES = 3;
const shortDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}`;
const credits = (c: Credits) => `<b>${c.trial}</b> free, <b>${c.paid}</b> paid`;

/** What a needs-action notification says for each machine reason (monitor/supply-act.ts, monitor/redistribution.ts). */
const NEEDS_ACTION_REASONS: Record<string, string> = {
  captcha_required:
    'WB asks you to confirm the delivery date yourself in your seller portal (an "I am not a robot" check), so SlotPilot cannot book it ' +
    "for you. The button below opens this preorder's date page in the WB portal: pick the date and confirm. " +
    'No auto-booking was charged. Slots go fast: open it now.',
  transfer_captcha_required:
    'WB asks you to confirm the transfer yourself in your seller portal (an "I am not a robot" check), so SlotPilot cannot place it ' +
    'for you. The button below opens the redistribution section of the WB portal: place the transfer there. No auto-booking was charged.',
  portal_login_required:
    'WB asks you to sign in to the seller portal again. Sign in at seller.wildberries.ru and add a fresh session on the Keys screen. ' +
    'No auto-booking was charged.',
  no_portal_session:
    'There is no valid WB portal session, and SlotPilot cannot book without one. Add a session on the Keys screen, or book the date ' +
    'yourself with the button below. No auto-booking was charged.',
  portal_session_rejected:
    'WB accepted none of your portal sessions. Add a fresh one on the Keys screen, or book the date yourself with the button below. ' +
    'No auto-booking was charged.',
  transfer_unsure:
    'A transfer may have been placed just before SlotPilot restarted. Check it in the WB portal so the goods are not moved twice.',
};

/** Every machine reason in words, with what to do (the buttons come from reason-actions.ts). */
const REASONS: Record<string, string> = {
  ...NEEDS_ACTION_REASONS,
  preorder_already_planned:
    'This preorder is already planned for another date in the WB portal, so there is nothing to book. Check the supply in the portal. ' +
    'No auto-booking was charged.',
  portal_refused: 'WB refused the booking for a reason of its own. Open the WB portal for the details. No auto-booking was charged.',
  no_preorder: 'This auto-booking task has no WB preorder. Create it again in the app and choose a preorder.',
  credential_revoked: "WB no longer accepts this task's key. Add a working key on the Keys screen and create the task again.",
  expired: 'All the dates of this task have passed without a matching slot. Create a new task with other dates: /new',
};

/** A reason this version does not know: said plainly, with its code for support. */
const unknownReason = (code: string) =>
  `SlotPilot cannot carry on with this task (code <code>${e(code)}</code>). The task has the details; if it is unclear what to do, ` +
  'write to /paysupport.';
const reason = (code: string) => REASONS[code] ?? unknownReason(code);

export const en: Texts = {
  locale: 'en-GB',
  months: MONTHS,
  weekdays: WEEKDAYS,
  date,
  boxTypes: { 2: 'Boxes', 5: 'Monopallets', 6: 'Supersafe' },
  coefficient: (c: number) => (c === 0 ? 'x0 — free' : `up to x${c}`),

  commands: [
    { command: 'new', description: 'New task' },
    { command: 'tasks', description: 'My tasks' },
    { command: 'bookings', description: 'My bookings' },
    { command: 'keys', description: 'WB keys' },
    { command: 'buy', description: 'Buy auto-bookings' },
    { command: 'cancel', description: 'Cancel what is under way' },
    { command: 'language', description: 'Language' },
    { command: 'help', description: 'Help' },
    { command: 'start', description: 'The app and balance' },
    { command: 'paysupport', description: 'Payment support' },
    { command: 'terms', description: 'Terms' },
    { command: 'privacy', description: 'Privacy' },
  ],
  adminCommands: [
    { command: 'inspect', description: 'A task state (admin)' },
    { command: 'refund', description: 'Refund a payment (admin)' },
  ],
  description:
    'SlotPilot catches delivery slots at Wildberries warehouses: it watches the acceptance coefficients, tells you the moment ' +
    'a slot you want opens and, with your WB keys, books it for you. Press Start to create your first task.',
  shortDescription: 'I catch delivery slots at Wildberries warehouses and book them for you.',

  common: {
    openApp: 'Open SlotPilot',
    menuButton: 'SlotPilot',
    staleButton: 'This menu is out of date. Open it again.',
    unknownButton: 'This button no longer works. Open the menu again.',
    flowExpired: 'This task draft has expired. Start again: /new',
    notUnderstood: 'I did not get that. What I can do: /help',
    cancelled: 'Cancelled. What next: /help',
    nothingToCancel: 'There is nothing to cancel right now. What I can do: /help',
  },

  start: {
    taskLink: 'The task from the link: open it in the app.',
    welcome: (name: string, left: Credits) =>
      `Hello, ${e(name)}! I am <b>SlotPilot</b>: I catch delivery slots at Wildberries warehouses and book them for you ` +
      `while you get on with your business.\n\nAuto-bookings left: ${credits(left)}.\n\n` +
      'Open the app to add your WB keys and set up tasks, or create a task right here: /new',
  },
  help:
    '<b>What I can do</b>\n' +
    '/new — a new alert task: warehouse, box type, coefficient and dates on a calendar\n' +
    '/tasks — your tasks: pause, resume, cancel\n' +
    '/bookings — your bookings and transfers\n' +
    '/keys — your WB keys: status and delete\n' +
    '/buy — buy auto-bookings with Telegram Stars\n' +
    '/cancel — cancel what is under way\n' +
    '/language — the language of the bot and its alerts\n' +
    '/start — the app and your balance\n' +
    '/paysupport, /terms, /privacy — payments, terms, privacy\n\n' +
    'Auto-booking and transfers are set up in the app. Alerts about slots found and booked arrive here, in this chat.',
  keys: {
    button: 'Add a key in the app',
    empty:
      'No WB keys yet. Without one SlotPilot cannot see your portal slots or book. ' +
      'Add an API token or a portal session in the app, which also shows where to get them.',
    header: (n: number) => `<b>Your WB keys</b> (${n}):`,
    line: (name: string, kind: string, seller: string | null, hint: string, status: string) =>
      `• <b>${e(name)}</b> — ${kind === 'portal_session' ? 'portal session' : 'API token'}${seller ? `, ${e(seller)}` : ''} ` +
      `(<code>${e(hint)}</code>): ${status}`,
    footer: 'Keys are stored encrypted and never shown in full. Never paste a key into this chat, only into the app.',
    status: {
      ok: '✅ working',
      rejected: '⛔️ rejected by WB: replace it',
      expired: '⛔️ expired: replace it',
      expiring: (day: string) => `⚠️ expires ${shortDate(day)}: replace it soon`,
    },
    deleteButton: (name: string) => `🗑 Delete "${name}"`,
    confirmDelete: (name: string) => `Delete the key "${e(name)}"?\nTasks that need it stop until you add another.`,
    confirmYes: 'Yes, delete',
    deleted: 'The key is deleted.',
  },

  language: {
    choose: (current: string) => `The bot and its alerts speak: ${current}. Choose:`,
    set: (name: string) => `Done: I now speak ${name}. Change it: /language`,
    auto: 'As in Telegram',
    names: { ru: 'Russian', en: 'English' },
  },

  bookings: {
    empty: 'No bookings or transfers yet. As soon as SlotPilot books something it shows up here: /bookings',
    header: (n: number) => `<b>Your bookings and transfers</b> (${n}):`,
    booking: (b: {
      warehouse: string;
      date: string | null;
      boxType: string;
      coefficient: number | null;
      status: string;
      supplyId: string | null;
    }) =>
      `• ${b.date ? shortDate(b.date) : '—'} · ${e(b.warehouse)} · ${e(b.boxType)}` +
      (b.coefficient !== null ? ` · x${b.coefficient}` : '') +
      ` — <i>${b.status}</i>${b.supplyId ? ` · supply <code>${e(b.supplyId)}</code>` : ''}`,
    transfer: (o: { from: string; to: string; units: number; status: string; requestId: string | null }) =>
      `• Transfer ${e(o.from)} → ${e(o.to)}, ${o.units} units — <i>${o.status}</i>` +
      (o.requestId ? ` · request <code>${e(o.requestId)}</code>` : ''),
    statuses: {
      pending: 'in progress',
      confirmed: 'booked',
      cancelled: 'cancelled',
      failed: 'failed',
      placed: 'placed',
    },
    more: 'The full history is in the app.',
  },

  tasks: {
    empty: 'No tasks yet. Create your first one: /new',
    header: (count: number) => `<b>Your tasks</b> (${count}):`,
    line: (n: number, t: TaskLine) =>
      t.kind === 'supply'
        ? `${n}. ${e(t.warehouses)} · ${e(t.boxType)} · ${t.coefficient} · ${shortDate(t.dateFrom)}–${shortDate(t.dateTo)} — <i>${t.status}</i>`
        : `${n}. Transfer ${e(t.warehouses)} · ${t.units} units — <i>${t.status}</i>`,
    states: {
      idle: 'paused',
      polling: 'watching',
      'backing-off': 'waiting for WB',
      booking: 'booking',
      done: 'finished',
    },
    outcomes: {
      booked: 'booked',
      notified: 'slot found',
      cancelled: 'cancelled',
      expired: 'dates passed',
      failed: 'failed',
      'needs-action': 'needs your action',
    },
    pause: (n: number, warehouse: string) => `⏸ ${n}. ${warehouse}`,
    resume: (n: number, warehouse: string) => `▶️ ${n}. ${warehouse}`,
    cancel: (n: number, warehouse: string) => `✖️ ${n}. ${warehouse}`,
    refresh: '🔄 Refresh',
    paused: 'The task is paused.',
    resumed: 'The task is watching again.',
    cancelled: 'The task is cancelled.',
    confirmCancel: (task: string) => `Cancel this task?\n${task}\n\nIt cannot be resumed afterwards.`,
    confirmYes: 'Yes, cancel it',
    confirmNo: '« No, back',
    more: (n: number) => `…and ${n} more in the app.`,
  },

  newTask: {
    chooseWarehouse: (page: number, pages: number) =>
      `<b>New task</b> · step 1 of 4\nChoose a warehouse${pages > 1 ? ` (page ${page} of ${pages})` : ''} ` +
      'or type part of its name, e.g. "Koledino".',
    matches: (query: string, count: number) =>
      count ? `Warehouses matching "${e(query)}": pick one.` : `No warehouse matches "${e(query)}". Try another spelling.`,
    chooseBox: (warehouse: string) => `<b>New task</b> · step 2 of 4\nWarehouse: ${e(warehouse)}\nWhich box type?`,
    chooseCoefficient: (warehouse: string, box: string) =>
      `<b>New task</b> · step 3 of 4\nWarehouse: ${e(warehouse)} · ${e(box)}\n` +
      'Highest acceptance coefficient you accept (0 means free)?',
    chooseDates: (warehouse: string, box: string, coefficient: string, from?: string, to?: string) =>
      `<b>New task</b> · step 4 of 4\nWarehouse: ${e(warehouse)} · ${e(box)} · ${coefficient}\n` +
      (from
        ? `Dates: <b>${date(from)}</b> — ${to ? `<b>${date(to)}</b>` : 'now pick the last day'}`
        : 'Pick the first day, then the last one (Moscow dates).'),
    created: (warehouse: string, box: string, coefficient: string, from: string, to: string) =>
      `✅ Task created: ${e(warehouse)} · ${e(box)} · ${coefficient}, ${date(from)} — ${date(to)}.\n` +
      'I will message you here as soon as a matching slot opens. Your tasks: /tasks\n' +
      'To have SlotPilot book the slot itself, create an auto-booking task in the app.',
    cancelled: 'Task creation cancelled.',
    /** The slot history line (shared/insight-words.ts wording), for the first warehouse when there are several. */
    insight: (line: string, warehouse?: string) => `📊 ${warehouse ? `${e(warehouse)}: ` : ''}<i>${e(line)}</i>`,
    cancel: 'Cancel',
    back: '« Back',
    clear: 'Clear',
    create: 'Create task ✓',
    addWarehouse: '➕ Another warehouse',
    adding: (names: string) => `Already chosen: ${e(names)}. Add one more warehouse.`,
    boxNotAccepted: 'This warehouse does not accept this box type.',
    needStart: 'Pick the first day first.',
    startPicked: 'First day picked. Now the last one.',
    rangePicked: 'Dates picked. Press "Create task".',
    endBeforeStart: 'The last day cannot be before the first one: the period now starts on this day.',
    unavailableDay: 'This day cannot be picked.',
    monthOutOfRange: 'You cannot go further.',
  },

  buy: {
    choose: (left: Credits) =>
      `<b>Auto-bookings</b>\nLeft: ${credits(left)}.\nAn auto-booking is spent only when a slot is really booked for you. Choose a pack:\n` +
      '<i>By buying you accept the terms: /terms. Payment questions: /paysupport</i>',
    pending: (chargeId: string) =>
      'Your payment arrived, but I could not record it right now. Your Stars are not lost: the auto-bookings are added ' +
      `automatically within a few minutes and I will tell you here.\nPayment id: <code>${e(chargeId)}</code>`,
    packButton: (title: string, stars: number) => `${title} — ${stars} ⭐`,
    thanks: (bought: number, left: Credits, chargeId: string) =>
      `Thank you! ${creditsLabel(bought, 'en')} added. Auto-bookings now: ${credits(left)}.\n` + `Payment id: <code>${e(chargeId)}</code>`,
    refused: (stars: number, chargeId: string) =>
      `This payment did not match a pack on sale, so nothing was added and your ${stars} ⭐ have been refunded.\n` +
      `Payment id: <code>${e(chargeId)}</code>. Choose a pack again: /buy`,
    checkout: {
      unknown_pack: 'This pack is no longer sold. Choose another one: /buy',
      price_changed: 'The price has changed. Open /buy and choose a pack again.',
      wrong_currency: 'Only Telegram Stars are accepted.',
    },
  },

  legal: {
    paySupport:
      '<b>Payment support</b>\n' +
      'Write in one message: <code>/paysupport your question</code>, with the payment id from the "Thank you!" message. ' +
      'It goes to the SlotPilot team and the answer comes here.\n\n' +
      'Unused auto-bookings of a purchase can be refunded in Stars on request; used ones cannot. ' +
      'Telegram support does not handle purchases made in bots.',
    paySupportSent: 'Your question went to the SlotPilot team. The answer will come to this chat.',
    paySupportForward: (user: string, question: string) => `💬 <b>Payment question</b> from ${user}:\n${e(question)}`,
    terms:
      '<b>SlotPilot terms</b>\n' +
      '1. SlotPilot looks for delivery slots at Wildberries warehouses and, if you allow it, books them with your WB keys.\n' +
      '2. Auto-bookings are bought with Telegram Stars. One is spent only for a slot WB confirmed; watching and alerts are free.\n' +
      '3. WB hands out the slots: we cannot promise that a matching slot opens or that you get it.\n' +
      '4. Unused auto-bookings of a purchase are refunded in Stars on request through /paysupport.\n' +
      '5. You are responsible for the WB keys you add and can delete them at any time.\n' +
      'Privacy: /privacy',
    privacy:
      '<b>Privacy</b>\n' +
      'We keep: your Telegram id, name and language; your tasks, bookings and payments; WB keys only encrypted (AES-256-GCM), ' +
      'never shown in full and never written to logs.\n' +
      'Your keys serve only your tasks; a portal session is shared with other sellers only if you switched that on.\n' +
      'We sell or give your data to no one. Delete a key in /keys, or ask for all your data to be deleted through /paysupport.',
  },

  admin: {
    inspectUsage: 'Usage: /inspect <task id>',
    refundUsage: 'Usage: /refund <payment id>',
    refunded: (r: RefundSummary) =>
      `Refunded ${r.stars} ⭐ (user ${r.userId}).\n` +
      (r.alreadyUsed === 0
        ? `Took back ${creditsLabel(r.removedCredits, 'en')}: the whole pack.`
        : `Took back ${creditsLabel(r.removedCredits, 'en')} of ${r.credits}: ${creditsLabel(r.alreadyUsed, 'en')} had already been used ` +
          'and cannot be taken back (the balance never goes below zero).') +
      `\nPaid balance now: ${r.balanceAfter}.`,
    refundedToUser: (stars: number, removed: number) =>
      `Your payment of ${stars} ⭐ has been refunded. ${creditsLabel(removed, 'en')} removed from your balance.`,
  },

  notify: {
    booked: (d: NotificationDetails) =>
      `✅ <b>Slot booked!</b>\nWarehouse: ${e(d.warehouse)}\nDate: <b>${date(d.date)}</b>` +
      (d.coefficient !== undefined ? ` · coefficient x${d.coefficient}` : '') +
      `\nAccount: ${e(d.credential)}\nSupply: <code>${e(d.supplyId)}</code>\nBooking: <code>${e(d.bookingId)}</code>\n` +
      `Booked at ${d.time} Moscow time.`,
    slotFound: (d: NotificationDetails) =>
      `🔔 <b>Slot available!</b>\nWarehouse: ${e(d.warehouse)}\nDate: <b>${date(d.date)}</b> · coefficient x${d.coefficient}` +
      (d.boxType ? ` · ${e(d.boxType)}` : '') +
      (d.tasks && d.tasks.length > 1 ? `\nMatches ${d.tasks.length} of your tasks:\n${d.tasks.map((t) => `• ${e(t)}`).join('\n')}` : '') +
      (d.closed
        ? `\nFound at ${d.time} Moscow time, but it closed while this message was on its way. Slots like it open again: see the calendar in the app.`
        : d.ageMinutes !== undefined && d.ageMinutes >= STALE_ALERT_MINUTES
          ? `\nFound at ${d.time} Moscow time, ${d.ageMinutes} min ago: this message was delayed and the slot may be gone. Check in the WB portal.`
          : `\nFound at ${d.time} Moscow time. Slots go in seconds: book it now.`),
    taskShort: (mode: string, coefficient: string, from: string, to: string) =>
      `${coefficient} · ${shortDate(from)}–${shortDate(to)} · ${mode === 'autobook' ? 'auto-book' : 'alert'}`,
    redistributionDone: (d: NotificationDetails) =>
      `✅ <b>Transfer placed</b>\n${e(d.from)} → ${e(d.to)}, ${d.units} units\nWB request: <code>${e(d.requestId)}</code>`,
    quotaOpen: (q: QuotaOpenDetails) => {
      const item = (i: QuotaOpenDetails['items'][number], word = 'article') =>
        `${word} ${i.nmId}${i.sizeName ? `, size ${e(i.sizeName)}` : ''}: up to <b>${i.units}</b> units can move`;
      const [only] = q.items;
      return (
        `📦 <b>Transfer limits are open</b>\n${e(q.from)} → ${e(q.to)}\n` +
        (q.items.length === 1 && only
          ? `${item(only, 'Article')}\nThe task places the transfer itself now; I will write when WB accepts it.`
          : `Your tasks on this route:\n${q.items.map((i) => `• ${item(i)}`).join('\n')}\nThe tasks place the transfers themselves now; I will write when WB accepts them.`) +
        '\nWB limits run out fast.'
      );
    },
    taskFailed: (d: NotificationDetails) => `⚠️ <b>Task stopped</b>${d.warehouse ? `: ${e(d.warehouse)}` : ''}\n${reason(d.reason)}`,
    needsAction: (d: NotificationDetails) =>
      `✋ <b>Your action is needed</b>${d.warehouse ? `: ${e(d.warehouse)}` : ''}\n${reason(d.reason)}`,
    taskExpired: (d: NotificationDetails) => `⌛️ <b>Task finished</b>${d.warehouse ? `: ${e(d.warehouse)}` : ''}\n${reason('expired')}`,
    credentialInvalid: (d: NotificationDetails) =>
      `🔑 <b>WB rejected the key "${e(d.credential)}"</b> (${d.credentialKind === 'portal_session' ? 'portal session' : 'API token'}).\n` +
      `${e(d.reason)}\nI no longer use it. Add a fresh one on the Keys screen.`,
    creditsExhausted: () => '💳 <b>Your auto-bookings are used up.</b>\nThe task is paused. Buy a pack and it carries on after /tasks → ▶️.',
    testAlert: () => '🔔 <b>SlotPilot test alert</b>\nAlerts reach you: a found slot will be announced like this.',
    sourceDisabled: () =>
      '⛔️ <b>WB has temporarily disabled its acceptance coefficients method.</b>\nYour tasks wait and resume on their own as soon as WB ' +
      'brings it back. I will not message you again about this outage.',
    bookButton: 'Book in WB',
    portalButton: 'WB portal',
    actionButton: 'Open the WB portal',
    openTask: 'Open the task',
    keysButton: 'Open keys',
    redistributionButton: 'Redistribution',
    paymentCredited: (bought: number, left: Credits, chargeId: string) =>
      `✅ Payment credited: ${creditsLabel(bought, 'en')}. Auto-bookings now: ${credits(left)}.\nPayment id: <code>${e(chargeId)}</code>`,
    paymentRefused: (stars: number, chargeId: string) =>
      `This payment did not match a pack on sale, so your ${stars} ⭐ have been refunded. Payment id: <code>${e(chargeId)}</code>. ` +
      'Choose a pack again: /buy',
  },
};

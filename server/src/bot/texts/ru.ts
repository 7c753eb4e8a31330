// Every message the bot sends in Russian, in one place. en.ts has the same shape (the type is taken from this file).
import { creditsLabel } from '@slotpilot/shared';
import {
  type Credits,
  escapeHtml as e,
  type NotificationDetails,
  type QuotaOpenDetails,
  type RefundSummary,
  type TaskLine,
} from './text-kit.ts';

const MONTHS = ['январь', 'февраль', 'март', 'апрель', 'май', 'июнь', 'июль', 'август', 'сентябрь', 'октябрь', 'ноябрь', 'декабрь'];
const MONTHS_OF = ['января', 'февраля', 'марта', 'апреля', 'мая', 'июня', 'июля', 'августа', 'сентября', 'октября', 'ноября', 'декабря'];
const WEEKDAYS = ['Пн', 'Вт', 'Ср', 'Чт', 'Пт', 'Сб', 'Вс'];

/** `2026-11-25` → `25 ноября, ср`. */
function date(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const weekday = WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7]!.toLowerCase();
  return `${d} ${MONTHS_OF[m - 1]}, ${weekday}`;
}
/** A slot alert delivered this many minutes late no longer says "book now". */
const STALE_ALERT_MINUTES = 3;
const shortDate = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;
const credits = (c: Credits) => `бесплатных — <b>${c.trial}</b>, оплаченных — <b>${c.paid}</b>`;

/** What a needs-action notification says for each machine reason (monitor/supply-act.ts, monitor/redistribution.ts). */
const NEEDS_ACTION_REASONS: Record<string, string> = {
  captcha_required:
    'WB просит вас самих подтвердить дату поставки в кабинете продавца (проверка «я не робот»), поэтому SlotPilot не бронирует за вас. ' +
    'Кнопка ниже открывает в кабинете WB страницу выбора даты этого предзаказа: выберите дату и подтвердите. ' +
    'Автобронирование не списано. Слоты разбирают быстро — откройте сейчас.',
  transfer_captcha_required:
    'WB просит вас самих подтвердить перемещение в кабинете продавца (проверка «я не робот»), поэтому SlotPilot не оформляет его за вас. ' +
    'Кнопка ниже открывает в кабинете WB раздел перераспределения: оформите перемещение там. Автобронирование не списано.',
  portal_login_required:
    'WB просит заново войти в кабинет продавца. Войдите на seller.wildberries.ru и добавьте свежую сессию в разделе «Ключи». Автобронирование не списано.',
  no_portal_session:
    'Нет действующей сессии кабинета WB, а без неё SlotPilot не может бронировать. Добавьте сессию в разделе «Ключи» ' +
    'или забронируйте дату сами по кнопке ниже. Автобронирование не списано.',
  portal_session_rejected:
    'WB не принял ни одну из ваших сессий кабинета. Добавьте свежую в разделе «Ключи» или забронируйте дату сами по кнопке ниже. ' +
    'Автобронирование не списано.',
  transfer_unsure:
    'Перемещение могло быть оформлено прямо перед перезапуском SlotPilot. Проверьте его в кабинете WB, чтобы не переместить товар дважды.',
};

/** Every machine reason in words, with what to do (the buttons come from reason-actions.ts). */
const REASONS: Record<string, string> = {
  ...NEEDS_ACTION_REASONS,
  preorder_already_planned:
    'Этот предзаказ уже запланирован на другую дату в кабинете WB, поэтому бронировать нечего. Проверьте поставку в кабинете. ' +
    'Автобронирование не списано.',
  portal_refused:
    'WB отказал в бронировании по своей причине. Откройте кабинет WB, чтобы увидеть подробности. Автобронирование не списано.',
  no_preorder: 'У задачи автобронирования нет предзаказа WB. Создайте задачу заново в приложении и выберите предзаказ.',
  credential_revoked: 'WB больше не принимает ключ этой задачи. Добавьте действующий ключ в разделе «Ключи» и создайте задачу заново.',
  expired: 'Все даты задачи прошли, а подходящего слота так и не появилось. Создайте новую задачу с другими датами: /new',
};

/** A reason this version does not know: said plainly, with its code for support. */
const unknownReason = (code: string) =>
  `SlotPilot не может продолжить эту задачу (код <code>${e(code)}</code>). Подробности в задаче; если непонятно, что делать, ` +
  'напишите в /paysupport.';
const reason = (code: string) => REASONS[code] ?? unknownReason(code);

export const ru = {
  locale: 'ru-RU',
  months: MONTHS,
  weekdays: WEEKDAYS,
  date,
  boxTypes: { 2: 'Короба', 5: 'Монопаллеты', 6: 'Суперсейф' } as Record<number, string>,
  coefficient: (c: number) => (c === 0 ? 'x0 — бесплатно' : `до x${c}`),

  /** The command menu Telegram shows next to the message field. */
  commands: [
    { command: 'new', description: 'Новая задача' },
    { command: 'tasks', description: 'Мои задачи' },
    { command: 'bookings', description: 'Мои брони' },
    { command: 'keys', description: 'Ключи WB' },
    { command: 'buy', description: 'Купить автобронирования' },
    { command: 'cancel', description: 'Отменить текущее действие' },
    { command: 'language', description: 'Язык' },
    { command: 'help', description: 'Помощь' },
    { command: 'start', description: 'Приложение и баланс' },
    { command: 'paysupport', description: 'Помощь с оплатой' },
    { command: 'terms', description: 'Условия' },
    { command: 'privacy', description: 'Конфиденциальность' },
  ],
  /** Operators' extra commands, shown only in their own chats. */
  adminCommands: [
    { command: 'inspect', description: 'Состояние задачи (админ)' },
    { command: 'refund', description: 'Возврат платежа (админ)' },
  ],
  description:
    'SlotPilot ловит слоты поставки на склады Wildberries: следит за коэффициентами приёмки и сразу пишет, когда нужный слот ' +
    'открылся, а с вашими ключами WB бронирует его сам. Нажмите «Старт», чтобы создать первую задачу.',
  shortDescription: 'Ловлю слоты поставки на склады Wildberries и бронирую их за вас.',

  common: {
    openApp: 'Открыть SlotPilot',
    menuButton: 'SlotPilot',
    staleButton: 'Это меню устарело. Откройте его заново.',
    unknownButton: 'Эта кнопка больше не работает. Откройте меню заново.',
    flowExpired: 'Создание задачи устарело. Начните заново: /new',
    notUnderstood: 'Не понял. Что я умею: /help',
    cancelled: 'Отменено. Что дальше: /help',
    nothingToCancel: 'Сейчас нечего отменять. Что я умею: /help',
  },

  start: {
    taskLink: 'Задача по ссылке — откройте её в приложении:',
    welcome: (name: string, left: Credits) =>
      `Здравствуйте, ${e(name)}! Я <b>SlotPilot</b>: ловлю слоты поставки на склады Wildberries и бронирую их за вас, ` +
      `пока вы занимаетесь делом.\n\nАвтобронирований осталось: ${credits(left)}.\n\n` +
      'Откройте приложение, чтобы добавить ключи WB и настроить задачи, или создайте задачу прямо здесь: /new',
  },
  help:
    '<b>Что я умею</b>\n' +
    '/new — новая задача-уведомление: склад, тип поставки, коэффициент и даты в календаре\n' +
    '/tasks — ваши задачи: пауза, продолжить, отменить\n' +
    '/bookings — ваши брони и перемещения\n' +
    '/keys — ключи WB: состояние и удаление\n' +
    '/buy — купить автобронирования за Telegram Stars\n' +
    '/cancel — отменить то, что сейчас начато\n' +
    '/language — язык бота и уведомлений\n' +
    '/start — приложение и баланс\n' +
    '/paysupport, /terms, /privacy — оплата, условия, конфиденциальность\n\n' +
    'Автобронирование и перемещения настраиваются в приложении. Уведомления о найденных и забронированных слотах приходят сюда, в этот чат.',
  keys: {
    button: 'Добавить ключ в приложении',
    empty:
      'Ключей WB пока нет. Без них SlotPilot не видит слоты вашего кабинета и не бронирует. ' +
      'Добавьте API-токен или сессию кабинета в приложении — там же подсказка, где их взять.',
    header: (n: number) => `<b>Ваши ключи WB</b> (${n}):`,
    line: (name: string, kind: string, seller: string | null, hint: string, status: string) =>
      `• <b>${e(name)}</b> — ${kind === 'portal_session' ? 'сессия кабинета' : 'API-токен'}${seller ? `, ${e(seller)}` : ''} ` +
      `(<code>${e(hint)}</code>): ${status}`,
    footer: 'Ключи хранятся зашифрованными и никогда не показываются целиком. Вставлять ключи в чат не нужно — только в приложении.',
    status: {
      ok: '✅ работает',
      rejected: '⛔️ WB отклонил — замените',
      expired: '⛔️ истёк — замените',
      expiring: (day: string) => `⚠️ истекает ${shortDate(day)} — скоро замените`,
    },
    deleteButton: (name: string) => `🗑 Удалить «${name}»`,
    confirmDelete: (name: string) => `Удалить ключ «${e(name)}»?\nЗадачи, которым он нужен, остановятся, пока вы не добавите другой.`,
    confirmYes: 'Да, удалить',
    deleted: 'Ключ удалён.',
  },

  language: {
    choose: (current: string) => `Язык бота и уведомлений сейчас: ${current}. Выберите:`,
    set: (name: string) => `Готово: теперь я говорю на языке «${name}». Сменить: /language`,
    auto: 'Как в Telegram',
    names: { ru: 'русский', en: 'английский' } as Record<'ru' | 'en', string>,
  },

  bookings: {
    empty: 'Броней и перемещений пока нет. Как только SlotPilot что-то забронирует, оно появится здесь: /bookings',
    header: (n: number) => `<b>Ваши брони и перемещения</b> (${n}):`,
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
      ` — <i>${b.status}</i>${b.supplyId ? ` · поставка <code>${e(b.supplyId)}</code>` : ''}`,
    transfer: (o: { from: string; to: string; units: number; status: string; requestId: string | null }) =>
      `• Перемещение ${e(o.from)} → ${e(o.to)}, ${o.units} шт. — <i>${o.status}</i>` +
      (o.requestId ? ` · заявка <code>${e(o.requestId)}</code>` : ''),
    statuses: {
      pending: 'в процессе',
      confirmed: 'забронировано',
      cancelled: 'отменено',
      failed: 'не удалось',
      placed: 'оформлено',
    } as Record<string, string>,
    more: 'Вся история — в приложении.',
  },

  tasks: {
    empty: 'Задач пока нет. Создайте первую: /new',
    header: (count: number) => `<b>Ваши задачи</b> (${count}):`,
    line: (n: number, t: TaskLine) =>
      t.kind === 'supply'
        ? `${n}. ${e(t.warehouses)} · ${e(t.boxType)} · ${t.coefficient} · ${shortDate(t.dateFrom)}–${shortDate(t.dateTo)} — <i>${t.status}</i>`
        : `${n}. Перемещение ${e(t.warehouses)} · ${t.units} шт. — <i>${t.status}</i>`,
    states: {
      idle: 'на паузе',
      polling: 'ищет слот',
      'backing-off': 'ждёт WB',
      booking: 'бронирует',
      done: 'завершена',
    } as Record<string, string>,
    outcomes: {
      booked: 'забронировано',
      notified: 'слот найден',
      cancelled: 'отменена',
      expired: 'даты прошли',
      failed: 'не удалось',
      'needs-action': 'нужно ваше действие',
    } as Record<string, string>,
    pause: (n: number, warehouse: string) => `⏸ ${n}. ${warehouse}`,
    resume: (n: number, warehouse: string) => `▶️ ${n}. ${warehouse}`,
    cancel: (n: number, warehouse: string) => `✖️ ${n}. ${warehouse}`,
    refresh: '🔄 Обновить',
    paused: 'Задача на паузе.',
    resumed: 'Задача снова ищет слот.',
    cancelled: 'Задача отменена.',
    confirmCancel: (task: string) => `Отменить задачу?\n${task}\n\nЕё нельзя будет продолжить.`,
    confirmYes: 'Да, отменить',
    confirmNo: '« Нет, назад',
    more: (n: number) => `…и ещё ${n} в приложении.`,
  },

  newTask: {
    chooseWarehouse: (page: number, pages: number) =>
      `<b>Новая задача</b> · шаг 1 из 4\nВыберите склад${pages > 1 ? ` (стр. ${page} из ${pages})` : ''} ` +
      'или напишите часть названия, например «Коледино».',
    matches: (query: string, count: number) =>
      count ? `Склады по запросу «${e(query)}»: выберите нужный.` : `По запросу «${e(query)}» складов нет. Попробуйте иначе.`,
    chooseBox: (warehouse: string) => `<b>Новая задача</b> · шаг 2 из 4\nСклад: ${e(warehouse)}\nТип поставки?`,
    chooseCoefficient: (warehouse: string, box: string) =>
      `<b>Новая задача</b> · шаг 3 из 4\nСклад: ${e(warehouse)} · ${e(box)}\n` +
      'Максимальный коэффициент приёмки (0 — бесплатная приёмка)?',
    chooseDates: (warehouse: string, box: string, coefficient: string, from?: string, to?: string) =>
      `<b>Новая задача</b> · шаг 4 из 4\nСклад: ${e(warehouse)} · ${e(box)} · ${coefficient}\n` +
      (from
        ? `Даты: <b>${date(from)}</b> — ${to ? `<b>${date(to)}</b>` : 'выберите последний день'}`
        : 'Выберите первый день, затем последний (по Москве).'),
    created: (warehouse: string, box: string, coefficient: string, from: string, to: string) =>
      `✅ Задача создана: ${e(warehouse)} · ${e(box)} · ${coefficient}, ${date(from)} — ${date(to)}.\n` +
      'Как только появится подходящий слот, я напишу сюда. Список задач: /tasks\n' +
      'Чтобы SlotPilot бронировал слот сам, создайте задачу с автобронированием в приложении.',
    cancelled: 'Создание задачи отменено.',
    /** Строка из истории слотов (слова shared/insight-words.ts); для первого склада, когда их несколько. */
    insight: (line: string, warehouse?: string) => `📊 ${warehouse ? `${e(warehouse)}: ` : ''}<i>${e(line)}</i>`,
    cancel: 'Отмена',
    back: '« Назад',
    clear: 'Сбросить',
    create: 'Создать задачу ✓',
    addWarehouse: '➕ Ещё склад',
    adding: (names: string) => `Уже выбрано: ${e(names)}. Добавьте ещё один склад.`,
    boxNotAccepted: 'Этот склад не принимает такой тип поставки.',
    needStart: 'Сначала выберите первый день.',
    startPicked: 'Первый день выбран. Теперь последний.',
    rangePicked: 'Период выбран. Нажмите «Создать задачу».',
    endBeforeStart: 'Последний день не может быть раньше первого: начал период с этого дня.',
    unavailableDay: 'Этот день выбрать нельзя.',
    monthOutOfRange: 'Дальше выбирать нельзя.',
  },

  buy: {
    choose: (left: Credits) =>
      `<b>Автобронирования</b>\nОсталось: ${credits(left)}.\n` +
      'Автобронирование списывается только за реально забронированный слот. Выберите пакет:\n' +
      '<i>Покупая, вы принимаете условия: /terms. Вопрос об оплате: /paysupport</i>',
    pending: (chargeId: string) =>
      'Оплата получена, но записать её прямо сейчас не удалось. Звёзды не потеряются: автобронирования будут начислены ' +
      `автоматически в течение нескольких минут, и я сообщу об этом здесь.\nНомер платежа: <code>${e(chargeId)}</code>`,
    packButton: (title: string, stars: number) => `${title} — ${stars} ⭐`,
    thanks: (bought: number, left: Credits, chargeId: string) =>
      `Спасибо! Добавлено ${creditsLabel(bought, 'ru')}. Теперь автобронирований: ${credits(left)}.\n` +
      `Номер платежа: <code>${e(chargeId)}</code>`,
    refused: (stars: number, chargeId: string) =>
      `Этот платёж не соответствует ни одному пакету, поэтому ничего не начислено, а ${stars} ⭐ возвращены.\n` +
      `Номер платежа: <code>${e(chargeId)}</code>. Выберите пакет заново: /buy`,
    checkout: {
      unknown_pack: 'Этот пакет больше не продаётся. Выберите другой: /buy',
      price_changed: 'Цена изменилась. Откройте /buy и выберите пакет заново.',
      wrong_currency: 'Оплата принимается только в Telegram Stars.',
    },
  },

  legal: {
    paySupport:
      '<b>Помощь с оплатой</b>\n' +
      'Напишите одним сообщением: <code>/paysupport ваш вопрос</code> — и укажите номер платежа из сообщения «Спасибо!». ' +
      'Вопрос уйдёт команде SlotPilot, ответ придёт сюда.\n\n' +
      'Неизрасходованные автобронирования из покупки можно вернуть звёздами по запросу; израсходованные вернуть нельзя. ' +
      'Поддержка Telegram не занимается покупками в ботах.',
    paySupportSent: 'Вопрос передан команде SlotPilot. Ответ придёт в этот чат.',
    paySupportForward: (user: string, question: string) => `💬 <b>Вопрос об оплате</b> от ${user}:\n${e(question)}`,
    terms:
      '<b>Условия SlotPilot</b>\n' +
      '1. SlotPilot ищет слоты поставки на склады Wildberries и, если вы разрешили, бронирует их вашими ключами WB.\n' +
      '2. Автобронирования покупаются за Telegram Stars. Одно автобронирование списывается только за слот, ' +
      'который WB подтвердил; поиск и уведомления бесплатны.\n' +
      '3. Слоты распределяет WB: мы не гарантируем, что подходящий слот появится или достанется вам.\n' +
      '4. Неизрасходованные автобронирования из покупки возвращаются звёздами по запросу через /paysupport.\n' +
      '5. Вы отвечаете за ключи WB, которые добавляете, и можете удалить их в любой момент.\n' +
      'Конфиденциальность: /privacy',
    privacy:
      '<b>Конфиденциальность</b>\n' +
      'Храним: ваш Telegram id, имя и язык; ваши задачи, брони и платежи; ключи WB — только зашифрованными (AES-256-GCM), ' +
      'они никогда не показываются целиком и не попадают в журналы.\n' +
      'Используем ключи только для ваших задач; сессией кабинета с другими продавцами делимся, только если вы это включили.\n' +
      'Никому не продаём и не передаём данные. Удалить ключ можно в /keys, удалить все данные — через /paysupport.',
  },

  admin: {
    inspectUsage: 'Использование: /inspect <id задачи>',
    refundUsage: 'Использование: /refund <номер платежа>',
    refunded: (r: RefundSummary) =>
      `Возврат ${r.stars} ⭐ выполнен (пользователь ${r.userId}).\n` +
      (r.alreadyUsed === 0
        ? `Списано ${creditsLabel(r.removedCredits, 'ru')} — весь пакет.`
        : `Списано ${creditsLabel(r.removedCredits, 'ru')} из ${r.credits}: ${creditsLabel(r.alreadyUsed, 'ru')} уже потрачено, ` +
          'их вернуть нельзя (баланс не уходит в минус).') +
      `\nОплаченный баланс теперь: ${r.balanceAfter}.`,
    refundedToUser: (stars: number, removed: number) => `Платёж на ${stars} ⭐ возвращён. С баланса снято ${creditsLabel(removed, 'ru')}.`,
  },

  notify: {
    booked: (d: NotificationDetails) =>
      `✅ <b>Слот забронирован!</b>\nСклад: ${e(d.warehouse)}\nДата: <b>${date(d.date)}</b>` +
      (d.coefficient !== undefined ? ` · коэффициент x${d.coefficient}` : '') +
      `\nКабинет: ${e(d.credential)}\nПоставка: <code>${e(d.supplyId)}</code>\nБронь: <code>${e(d.bookingId)}</code>\n` +
      `Забронировано в ${d.time} по Москве.`,
    slotFound: (d: NotificationDetails) =>
      `🔔 <b>Есть слот!</b>\nСклад: ${e(d.warehouse)}\nДата: <b>${date(d.date)}</b> · коэффициент x${d.coefficient}` +
      (d.boxType ? ` · ${e(d.boxType)}` : '') +
      (d.tasks && d.tasks.length > 1 ? `\nПодходит задачам (${d.tasks.length}):\n${d.tasks.map((t) => `• ${e(t)}`).join('\n')}` : '') +
      (d.closed
        ? `\nНайден в ${d.time} по Москве, но закрылся, пока сообщение шло. Такие слоты открываются снова — смотрите календарь в приложении.`
        : d.ageMinutes !== undefined && d.ageMinutes >= STALE_ALERT_MINUTES
          ? `\nНайден в ${d.time} по Москве, ${d.ageMinutes} мин назад: сообщение задержалось, слот мог уже уйти. Проверьте в кабинете WB.`
          : `\nНайден в ${d.time} по Москве. Слоты разбирают за секунды — бронируйте сейчас.`),
    taskShort: (mode: string, coefficient: string, from: string, to: string) =>
      `${coefficient} · ${shortDate(from)}–${shortDate(to)} · ${mode === 'autobook' ? 'автобронь' : 'уведомление'}`,
    redistributionDone: (d: NotificationDetails) =>
      `✅ <b>Перемещение оформлено</b>\n${e(d.from)} → ${e(d.to)}, ${d.units} шт.\nЗаявка WB: <code>${e(d.requestId)}</code>`,
    quotaOpen: (q: QuotaOpenDetails) => {
      const item = (i: QuotaOpenDetails['items'][number], word = 'артикул') =>
        `${word} ${i.nmId}${i.sizeName ? `, размер ${e(i.sizeName)}` : ''} — можно переместить до <b>${i.units}</b> шт.`;
      const [only] = q.items;
      return (
        `📦 <b>Открылись лимиты на перемещение</b>\n${e(q.from)} → ${e(q.to)}\n` +
        (q.items.length === 1 && only
          ? `${item(only, 'Артикул')}\nЗадача сама оформит перемещение сейчас; когда WB его примет, я напишу.`
          : `Ваши задачи на этом маршруте:\n${q.items.map((i) => `• ${item(i)}`).join('\n')}\nЗадачи сами оформят перемещения сейчас; когда WB их примет, я напишу.`) +
        '\nЛимиты WB быстро заканчиваются.'
      );
    },
    taskFailed: (d: NotificationDetails) => `⚠️ <b>Задача остановлена</b>${d.warehouse ? `: ${e(d.warehouse)}` : ''}\n${reason(d.reason)}`,
    needsAction: (d: NotificationDetails) =>
      `✋ <b>Нужно ваше действие</b>${d.warehouse ? `: ${e(d.warehouse)}` : ''}\n${reason(d.reason)}`,
    taskExpired: (d: NotificationDetails) => `⌛️ <b>Задача завершена</b>${d.warehouse ? `: ${e(d.warehouse)}` : ''}\n${reason('expired')}`,
    credentialInvalid: (d: NotificationDetails) =>
      `🔑 <b>WB отклонил ключ «${e(d.credential)}»</b> (${d.credentialKind === 'portal_session' ? 'сессия кабинета' : 'API-токен'}).\n` +
      `${e(d.reason)}\nЯ больше не использую этот ключ. Добавьте новый в разделе «Ключи».`,
    creditsExhausted: () =>
      '💳 <b>Автобронирования закончились.</b>\nЗадача поставлена на паузу. Купите пакет — и она продолжит работу после /tasks → ▶️.',
    testAlert: () => '🔔 <b>Тестовое оповещение SlotPilot</b>\nОповещения доходят до вас: так же придёт сообщение о найденном слоте.',
    sourceDisabled: () =>
      '⛔️ <b>WB временно перестал отдавать коэффициенты приёмки.</b>\nВаши задачи ждут и продолжат поиск сами, как только WB их вернёт. ' +
      'Больше про этот сбой писать не буду.',
    bookButton: 'Забронировать в WB',
    portalButton: 'Кабинет WB',
    actionButton: 'Открыть кабинет WB',
    openTask: 'Открыть задачу',
    keysButton: 'Открыть ключи',
    redistributionButton: 'Перераспределение',
    paymentCredited: (bought: number, left: Credits, chargeId: string) =>
      `✅ Оплата зачислена: ${creditsLabel(bought, 'ru')}. Теперь автобронирований: ${credits(left)}.\n` +
      `Номер платежа: <code>${e(chargeId)}</code>`,
    paymentRefused: (stars: number, chargeId: string) =>
      `Платёж не соответствовал ни одному пакету, поэтому ${stars} ⭐ возвращены. Номер платежа: <code>${e(chargeId)}</code>. ` +
      'Выберите пакет заново: /buy',
  },
};

export type Texts = typeof ru;

// Stable error codes with a message per language. The server answers with the code and the message in the
// user's language; the Mini App and the bot can render the same catalogue for codes they know.
import type { Language } from './language.ts';

export const ERROR_MESSAGES = {
  AUTH_MISSING: {
    ru: 'Нет данных входа Telegram. Откройте SlotPilot из Telegram.',
    en: 'No Telegram login data. Open SlotPilot from Telegram.',
  },
  AUTH_INVALID: {
    ru: 'Данные входа Telegram не прошли проверку подписи. Закройте и снова откройте SlotPilot из Telegram.',
    en: 'The Telegram login data failed the signature check. Close SlotPilot and open it again from Telegram.',
  },
  AUTH_EXPIRED: {
    ru: 'Сессия Telegram устарела (старше 24 часов). Закройте и снова откройте SlotPilot.',
    en: 'The Telegram session has expired (older than 24 hours). Close SlotPilot and open it again.',
  },
  FORBIDDEN: {
    ru: 'Это действие доступно только администраторам SlotPilot.',
    en: 'Only SlotPilot administrators can do this.',
  },
  BAD_INPUT: {
    ru: 'Запрос содержит ошибку. Проверьте введённые данные и попробуйте снова.',
    en: 'The request contains a mistake. Check what you entered and try again.',
  },
  NOT_FOUND: {
    ru: 'Не найдено. Возможно, это уже удалено.',
    en: 'Not found. It may have been removed already.',
  },
  KEY_NOT_A_TOKEN: {
    ru: 'Это не похоже на API-токен WB. Скопируйте токен целиком в кабинете продавца: Настройки → Доступ к API.',
    en: 'This does not look like a WB API token. Copy the whole token from the seller portal: Settings → API access.',
  },
  KEY_EXPIRED: {
    ru: 'Срок действия токена истёк {date}. Создайте новый токен в кабинете продавца.',
    en: 'This token expired on {date}. Create a new one in the seller portal.',
  },
  KEY_TEST_TOKEN: {
    ru: 'Это тестовый токен (песочница WB): он не видит настоящие склады. Создайте боевой токен.',
    en: 'This is a WB test (sandbox) token: it cannot see real warehouses. Create a production token.',
  },
  KEY_WRONG_CATEGORY: {
    ru: 'У токена нет доступа к категории «Поставки». Создайте токен с этой категорией.',
    en: 'This token has no access to the "Supplies" category. Create a token that includes it.',
  },
  KEY_REJECTED: {
    ru: 'WB отклонил этот токен. Проверьте, что он не отозван, или создайте новый.',
    en: 'WB rejected this token. Check that it has not been revoked, or create a new one.',
  },
  KEY_BAD_SESSION: {
    ru: 'Это не похоже на сессию кабинета WB. Нужна строка cookie с WBTokenV3, wbx-validation-key и x-supplier-id.',
    en: 'This does not look like a WB portal session. Paste the cookie string with WBTokenV3, wbx-validation-key and x-supplier-id.',
  },
  KEY_SESSION_REJECTED: {
    ru: 'WB не принял эту сессию: она устарела. Войдите в кабинет WB заново и скопируйте новую.',
    en: 'WB did not accept this session: it has expired. Sign in to the WB portal again and copy a fresh one.',
  },
  KEY_SESSION_EMPTY: {
    ru: 'Вставьте сессию кабинета WB: команду «Copy as cURL» запроса к seller.wildberries.ru или значение его заголовка Cookie.',
    en: 'Paste your WB portal session: the "Copy as cURL" command of a seller.wildberries.ru request, or its Cookie header value.',
  },
  KEY_SESSION_TOO_LONG: {
    ru: 'Вставлено слишком много текста. Скопируйте один запрос («Copy as cURL») или только значение заголовка Cookie.',
    en: 'That is too much text. Copy a single request ("Copy as cURL") or only the Cookie header value.',
  },
  KEY_SESSION_NO_TOKEN: {
    ru: 'В тексте нет WBTokenV3. Скопируйте запрос к seller.wildberries.ru целиком («Copy as cURL») или весь заголовок Cookie: WBTokenV3 в нём есть, пока вы вошли в кабинет.',
    en: 'There is no WBTokenV3 in it. Copy a whole seller.wildberries.ru request ("Copy as cURL") or the whole Cookie header: it holds WBTokenV3 while you are signed in.',
  },
  KEY_SESSION_BAD_TOKEN: {
    ru: 'WBTokenV3 обрезан или повреждён (он длинный и начинается с «eyJ»). Скопируйте его заново целиком, без пробелов и переносов.',
    en: 'WBTokenV3 is cut short or damaged (it is long and starts with "eyJ"). Copy it again whole, without spaces or line breaks.',
  },
  KEY_SESSION_NO_VALIDATION_KEY: {
    ru: 'Нет cookie wbx-validation-key. Скопируйте весь заголовок Cookie запроса к seller.wildberries.ru, а не только WBTokenV3.',
    en: 'The wbx-validation-key cookie is missing. Copy the whole Cookie header of a seller.wildberries.ru request, not only WBTokenV3.',
  },
  KEY_SESSION_NO_SUPPLIER_ID: {
    ru: 'Нет cookie x-supplier-id (какой кабинет продавца выбран). Откройте нужный кабинет на seller.wildberries.ru и скопируйте весь заголовок Cookie заново.',
    en: 'The x-supplier-id cookie (which seller account is chosen) is missing. Open the right account on seller.wildberries.ru and copy the whole Cookie header again.',
  },
  KEY_SESSION_EXPIRED: {
    ru: 'Срок этой сессии уже истёк. Войдите в кабинет WB заново и скопируйте свежую.',
    en: 'This session has already expired. Sign in to the WB portal again and copy a fresh one.',
  },
  KEY_DUPLICATE: {
    ru: 'Этот ключ уже добавлен.',
    en: 'This key has already been added.',
  },
  KEY_LIMIT: {
    ru: 'Можно хранить не больше 5 ключей каждого вида. Удалите ненужный и попробуйте снова.',
    en: 'You can keep at most 5 keys of each kind. Remove one you no longer need and try again.',
  },
  WB_BUSY: {
    ru: 'WB просит подождать (лимит запросов). Попробуйте через {seconds} с.',
    en: 'WB asks us to wait (request limit). Try again in {seconds} s.',
  },
  WB_UNAVAILABLE: {
    ru: 'WB сейчас не отвечает. Попробуйте через минуту.',
    en: 'WB is not answering right now. Try again in a minute.',
  },
  WB_DISABLED: {
    ru: 'WB временно отключил этот метод API. Мы проверяем его сами и продолжим, как только он заработает.',
    en: 'WB has temporarily disabled this API method. We keep checking and will carry on as soon as it is back.',
  },
  NO_FEED_SOURCE: {
    ru: 'Чтобы видеть коэффициенты, добавьте API-токен WB с категорией «Поставки» (раздел «Ключи»).',
    en: 'To see coefficients, add a WB API token with the "Supplies" category (Keys screen).',
  },
  UNKNOWN_WAREHOUSE: {
    ru: 'Склад {id} не найден среди складов WB. Выберите склад из списка.',
    en: "Warehouse {id} is not one of WB's warehouses. Pick one from the list.",
  },
  DATE_IN_PAST: {
    ru: 'Начало периода уже прошло (сегодня {today} по Москве). Выберите даты с сегодняшнего дня.',
    en: 'The start date has passed (today is {today}, Moscow time). Pick dates from today on.',
  },
  RANGE_TOO_LONG: {
    ru: 'Слишком длинный период: не больше {days} дней вперёд.',
    en: 'The period is too long: at most {days} days ahead.',
  },
  NO_PORTAL_SESSION: {
    ru: 'Для автобронирования нужна действующая сессия кабинета WB. Добавьте её в разделе «Ключи».',
    en: 'Auto-booking needs a valid WB portal session. Add one on the Keys screen.',
  },
  PREORDER_REQUIRED: {
    ru: 'Для автобронирования выберите предзаказ (черновик поставки) в кабинете WB.',
    en: 'For auto-booking, choose a preorder (a draft supply) from your WB portal.',
  },
  PREORDER_NOT_FOUND: {
    ru: 'Предзаказ {id} не найден в вашем кабинете WB.',
    en: 'Preorder {id} was not found in your WB portal.',
  },
  PREORDER_WAREHOUSE_MISMATCH: {
    ru: 'Предзаказ {id} создан для склада {warehouse}: добавьте этот склад в задачу.',
    en: 'Preorder {id} is for warehouse {warehouse}: include that warehouse in the task.',
  },
  PREORDER_ALREADY_PLANNED: {
    ru: 'Предзаказ {id} уже запланирован на {date}.',
    en: 'Preorder {id} is already planned for {date}.',
  },
  PREORDER_TASK_EXISTS: {
    ru: 'Предзаказ {id} уже бронирует другая задача. Отмените её или дождитесь, пока она завершится.',
    en: 'Another task is already booking preorder {id}. Cancel it or wait until it finishes.',
  },
  PREORDER_GOODS_REJECTED: {
    ru: 'WB не принял список товаров. Проверьте баркоды (как в карточках товаров) и количества.',
    en: 'WB did not accept the goods. Check the barcodes (as on your product cards) and the quantities.',
  },
  PREORDER_REFUSED: {
    ru: 'WB не создал предзаказ на склад {warehouse} с этим типом упаковки. Выберите другой склад или тип упаковки.',
    en: 'WB did not create a preorder for warehouse {warehouse} with this box type. Choose another warehouse or box type.',
  },
  PORTAL_NEEDS_SELLER: {
    ru: 'WB просит подтвердить действие в кабинете продавца. Откройте seller.wildberries.ru, сделайте это там и повторите.',
    en: 'WB asks you to confirm this in the seller portal. Open seller.wildberries.ru, do it there and try again.',
  },
  NO_CREDITS: {
    ru: 'Бесплатные автобронирования закончились. Купите пакет, чтобы SlotPilot бронировал за вас.',
    en: 'Your free auto-bookings are used up. Buy a pack so SlotPilot can book for you.',
  },
  TASK_LIMIT: {
    ru: 'Одновременно может работать не больше {max} задач. Завершите или отмените ненужные.',
    en: 'At most {max} tasks can run at once. Finish or cancel some first.',
  },
  TASK_FINISHED: {
    ru: 'Задача уже завершена.',
    en: 'This task has already finished.',
  },
  TASK_BUSY: {
    ru: 'Задача сейчас переезжает на другой сервер. Повторите через несколько секунд.',
    en: 'This task is moving to another server. Try again in a few seconds.',
  },
  PAYMENTS_UNAVAILABLE: {
    ru: 'Оплата сейчас недоступна: бот SlotPilot не подключён к Telegram. Попробуйте позже.',
    en: 'Payments are unavailable right now: the SlotPilot bot is not connected to Telegram. Try again later.',
  },
  UNKNOWN_PACK: {
    ru: 'Такого пакета больше нет. Выберите пакет из списка.',
    en: 'This pack is no longer sold. Choose one from the list.',
  },
  PAYMENT_NOT_FOUND: {
    ru: 'Платёж {chargeId} не найден.',
    en: 'Payment {chargeId} was not found.',
  },
  PAYMENT_ALREADY_REFUNDED: {
    ru: 'Платёж {chargeId} уже возвращён.',
    en: 'Payment {chargeId} has already been refunded.',
  },
  INSIGHTS_RATE_LIMITED: {
    ru: 'Статистику по слотам можно запрашивать не так часто. Подождите {seconds} с.',
    en: 'Slot statistics cannot be asked for that often. Wait {seconds} s.',
  },
  PREORDER_COSTS_RATE_LIMITED: {
    ru: 'Стоимость приёмки читаем из вашего кабинета WB лишь несколько раз в минуту, чтобы WB не ограничил кабинет. Подождите {seconds} с.',
    en: 'Acceptance costs are read from your WB portal only a few times a minute, so that WB does not restrict your account. Wait {seconds} s.',
  },
  INSIGHTS_DATE_OUT_OF_RANGE: {
    ru: 'По этой дате истории нет: мы храним её {days} дней, а дальше 14 дней вперёд WB даты не публикует.',
    en: 'There is no history for this date: we keep {days} days of it, and WB publishes no dates beyond 14 days ahead.',
  },
  TEST_ALERT_TOO_SOON: {
    ru: 'Тестовое оповещение можно отправлять раз в минуту. Подождите {seconds} с.',
    en: 'A test alert can be sent once a minute. Wait {seconds} s.',
  },
  ALERTS_OFF: {
    ru: 'Оповещения на этом сервере выключены: бот SlotPilot не запущен.',
    en: 'Alerts are off on this server: the SlotPilot bot is not running.',
  },
  RATE_LIMITED: {
    ru: 'Слишком много запросов. Подождите {seconds} с и попробуйте снова.',
    en: 'Too many requests. Wait {seconds} s and try again.',
  },
  UNAVAILABLE: {
    ru: 'Сервис временно недоступен: база данных или кэш не отвечают. Попробуйте через минуту.',
    en: 'The service is temporarily unavailable: the database or cache is not answering. Try again in a minute.',
  },
  METHOD_NOT_ALLOWED: {
    ru: 'Этот адрес не принимает такой метод запроса.',
    en: 'This address does not accept this request method.',
  },
  UNSUPPORTED_MEDIA_TYPE: {
    ru: 'Тело запроса должно быть в формате JSON (Content-Type: application/json).',
    en: 'The request body must be JSON (Content-Type: application/json).',
  },
  REQUEST_TOO_LARGE: {
    ru: 'Запрос слишком большой (тело, адрес или заголовки, либо слишком много вызовов в одном пакете).',
    en: 'The request is too large (its body, address or headers, or too many calls in one batch).',
  },
  REFUND_FAILED: {
    ru: 'Telegram не выполнил возврат: {reason}',
    en: 'Telegram did not make the refund: {reason}',
  },
  INTERNAL: {
    ru: 'Что-то пошло не так на нашей стороне. Попробуйте ещё раз через минуту.',
    en: 'Something went wrong on our side. Try again in a minute.',
  },
} as const satisfies Record<string, Record<Language, string>>;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_MESSAGES, value);
}

/** The message for `code` in `language`, with `{placeholders}` filled from `vars`. */
export function errorMessage(code: ErrorCode, language: Language, vars?: Record<string, string | number>): string {
  const template: string = ERROR_MESSAGES[code][language];
  return vars ? template.replace(/\{(\w+)\}/g, (match, name: string) => String(vars[name] ?? match)) : template;
}

/** A failure the user can act on: a stable code plus the values its message needs. Thrown by services, shown by the API. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(errorMessage(code, 'en', vars));
    this.name = 'DomainError';
  }
}

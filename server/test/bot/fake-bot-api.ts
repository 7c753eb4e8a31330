// A small fake Telegram Bot API over real HTTP, for grammY's `apiRoot`: answers `POST /bot<token>/<method>`, records
// every call, serves getUpdates (long polling) from updates a test pushes, and can be told to fail calls the way
// Telegram does (429 with retry_after, 5xx, 403 blocked) or to hold answers back.
// It is as strict as Telegram where the bot could get it wrong: texts over 4096 characters (after HTML parsing),
// broken or unsupported HTML, callback data over 64 bytes, non-https Web App URLs, an edit that changes nothing
// ("message is not modified"), a second answer to one callback query. Stars payments pushed by a test are kept as
// the bot's Star transactions (getStarTransactions), and refunds made with refundStarPayment join them.
import Fastify from 'fastify';

// Payloads are whatever grammY sent: tests read the fields they care about.
// biome-ignore lint/suspicious/noExplicitAny: a recorded Bot API payload is untyped JSON
export type Payload = Record<string, any>;

export interface RecordedCall {
  index: number;
  method: string;
  payload: Payload;
  at: number;
  token: string;
  /** What the fake answered (set before waiters hear of the call, except while the method is held). */
  result?: Payload;
  /** The failure the fake served instead. */
  error?: TelegramFailure;
}

export interface TelegramFailure {
  error_code: number;
  description: string;
  retry_after?: number;
}

export interface TestUser {
  id: number;
  firstName: string;
  languageCode?: string;
}

interface Failure {
  method: string;
  remaining: number;
  error: TelegramFailure;
  when?: (payload: Payload) => boolean;
}

export const BLOCKED: TelegramFailure = { error_code: 403, description: 'Forbidden: bot was blocked by the user' };
export const SERVER_ERROR: TelegramFailure = { error_code: 502, description: 'Bad Gateway' };
export const tooManyRequests = (retryAfterS: number): TelegramFailure => ({
  error_code: 429,
  description: `Too Many Requests: retry after ${retryAfterS}`,
  retry_after: retryAfterS,
});

export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  url = '';
  private readonly app = Fastify({ logger: false, forceCloseConnections: true });
  private readonly failures: Failure[] = [];
  private readonly holds = new Map<string, Promise<void>>();
  private readonly callListeners = new Set<() => void>();
  private readonly pollers = new Set<() => void>();
  private queue: Payload[] = [];
  private nextUpdateId = 1;
  private nextMessageId = 1_000;
  private invoices = 0;
  /** What each sent or edited message shows now, by `chat:message`, for "message is not modified". */
  private readonly messages = new Map<string, string>();
  private readonly answeredQueries = new Set<string>();
  /** The bot's Star transactions, oldest first (as getStarTransactions returns them). */
  readonly starTransactions: Payload[] = [];

  /** `hasMainWebApp`: getMe says the bot has a main Mini App (what `t.me/<bot>?startapp=…` links open). */
  constructor(private readonly bot: { hasMainWebApp?: boolean } = {}) {}

  static async start(bot: { hasMainWebApp?: boolean } = {}): Promise<FakeBotApi> {
    const fake = new FakeBotApi(bot);
    await fake.listen();
    return fake;
  }

  private async listen(): Promise<void> {
    const { app } = this;
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body ? JSON.parse(body as string) : {});
      } catch (error) {
        done(error as Error, undefined);
      }
    });
    app.post<{ Params: { token: string; method: string } }>('/bot:token/:method', async (request, reply) => {
      const { token, method } = request.params;
      const payload = (request.body ?? {}) as Payload;
      const call: RecordedCall = { index: this.calls.length, method, payload, at: Date.now(), token };
      this.calls.push(call);
      const hold = this.holds.get(method);
      if (hold) {
        this.notify();
        await hold;
      }
      const failure = this.failures.find((f) => f.method === method && f.remaining > 0 && (!f.when || f.when(payload)));
      if (failure) {
        failure.remaining--;
        call.error = failure.error;
        if (!hold) this.notify();
        const { error_code, description, retry_after } = failure.error;
        return reply.code(error_code).send({
          ok: false,
          error_code,
          description,
          ...(retry_after !== undefined ? { parameters: { retry_after } } : {}),
        });
      }
      const refusal = this.refusal(method, payload);
      if (refusal) {
        call.error = refusal;
        if (!hold) this.notify();
        return reply.code(refusal.error_code).send({ ok: false, ...refusal });
      }
      if (method === 'getUpdates') {
        if (!hold) this.notify();
        const result = await this.getUpdates(payload, () => request.raw.destroyed);
        return { ok: true, result };
      }
      const result = this.answer(method, payload, token);
      call.result = result as Payload;
      if (!hold) this.notify();
      return { ok: true, result };
    });
    this.url = await app.listen({ port: 0, host: '127.0.0.1' });
  }

  private notify(): void {
    for (const listener of [...this.callListeners]) listener();
  }

  async close(): Promise<void> {
    for (const wake of [...this.pollers]) wake();
    await this.app.close();
  }

  /** The next `times` calls of `method` (matching `when`) fail the way Telegram fails. */
  fail(method: string, error: TelegramFailure, options: { times?: number; when?: (payload: Payload) => boolean } = {}): void {
    this.failures.push({ method, remaining: options.times ?? 1, error, ...(options.when ? { when: options.when } : {}) });
  }

  /** Answers to `method` wait until the returned function is called (the calls are still recorded at once). */
  hold(method: string): () => void {
    let release!: () => void;
    this.holds.set(
      method,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return () => {
      this.holds.delete(method);
      release();
    };
  }

  /** A position in the call log: `waitFor(…, { after })` only looks at calls made after it. */
  mark(): number {
    return this.calls.length;
  }

  callsOf(method: string, when: (payload: Payload) => boolean = () => true): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && when(c.payload));
  }

  /** The first call of `method` matching `when` (made after `after`), as soon as it arrives. */
  waitFor(
    method: string,
    when: (payload: Payload) => boolean = () => true,
    { after = 0, timeoutMs = 20_000 }: { after?: number; timeoutMs?: number } = {},
  ): Promise<RecordedCall> {
    const find = () => this.calls.slice(after).find((c) => c.method === method && when(c.payload));
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.callListeners.delete(listener);
        reject(new Error(`no ${method} call within ${timeoutMs} ms; calls: ${this.calls.map((c) => c.method).join(', ')}`));
      }, timeoutMs);
      const listener = () => {
        const match = find();
        if (!match) return;
        clearTimeout(timer);
        this.callListeners.delete(listener);
        resolve(match);
      };
      this.callListeners.add(listener);
    });
  }

  /** Queue an update for getUpdates; returns it with its update_id. */
  push(update: Payload): Payload {
    const full = { update_id: this.nextUpdateId++, ...update };
    this.queue.push(full);
    for (const wake of [...this.pollers]) wake();
    return full;
  }

  // Updates as Telegram would send them from a user's private chat.
  message(user: TestUser, text: string): Payload {
    const entities = text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] : undefined;
    return { message: { ...this.messageBase(user), text, ...(entities ? { entities } : {}) } };
  }

  callback(user: TestUser, data: string, messageId: number): Payload {
    return {
      callback_query: {
        id: `cq-${this.nextUpdateId}-${Math.random().toString(36).slice(2, 8)}`,
        from: this.from(user),
        chat_instance: `ci-${user.id}`,
        data,
        message: { message_id: messageId, date: now(), chat: this.chat(user), text: '…' },
      },
    };
  }

  preCheckout(user: TestUser, payload: string, totalAmount: number, currency = 'XTR'): Payload {
    return {
      pre_checkout_query: {
        id: `pcq-${this.nextUpdateId}`,
        from: this.from(user),
        currency,
        total_amount: totalAmount,
        invoice_payload: payload,
      },
    };
  }

  /** The user paid: the update Telegram sends, and the Star transaction it keeps (unless `transaction` is false). */
  successfulPayment(user: TestUser, payload: string, totalAmount: number, chargeId: string, { transaction = true } = {}): Payload {
    if (transaction && !this.starTransactions.some((t) => t.id === chargeId && t.source))
      this.starTransactions.push({
        id: chargeId,
        amount: totalAmount,
        date: now(),
        source: { type: 'user', transaction_type: 'invoice_payment', user: this.from(user), invoice_payload: payload },
      });
    return {
      message: {
        ...this.messageBase(user),
        successful_payment: {
          currency: 'XTR',
          total_amount: totalAmount,
          invoice_payload: payload,
          telegram_payment_charge_id: chargeId,
          provider_payment_charge_id: '',
        },
      },
    };
  }

  /** Telegram's service message about a refunded payment. */
  refundedPayment(user: TestUser, payload: string, totalAmount: number, chargeId: string): Payload {
    return {
      message: {
        ...this.messageBase(user),
        refunded_payment: { currency: 'XTR', total_amount: totalAmount, invoice_payload: payload, telegram_payment_charge_id: chargeId },
      },
    };
  }

  private messageBase(user: TestUser) {
    return { message_id: this.nextMessageId++, date: now(), chat: this.chat(user), from: this.from(user) };
  }

  private from(user: TestUser) {
    return { id: user.id, is_bot: false, first_name: user.firstName, ...(user.languageCode ? { language_code: user.languageCode } : {}) };
  }

  private chat(user: TestUser) {
    return { id: user.id, type: 'private', first_name: user.firstName };
  }

  private async getUpdates(payload: Payload, gone: () => boolean): Promise<Payload[]> {
    const offset = Number(payload.offset ?? 0);
    // Like Telegram: asking from `offset` confirms every update before it.
    if (offset > 0) this.queue = this.queue.filter((u) => u.update_id >= offset);
    const limit = Number(payload.limit ?? 100);
    const deadline = Date.now() + Math.min(Number(payload.timeout ?? 0), 30) * 1_000;
    while (this.queue.length === 0 && Date.now() < deadline && !gone()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(wake, Math.max(0, deadline - Date.now()));
        const pollers = this.pollers;
        function wake() {
          clearTimeout(timer);
          pollers.delete(wake);
          resolve();
        }
        pollers.add(wake);
      });
    }
    return gone() ? [] : this.queue.slice(0, limit);
  }

  private answer(method: string, payload: Payload, token: string): unknown {
    const chat = { id: Number(payload.chat_id), type: 'private', first_name: 'User' };
    switch (method) {
      case 'getMe':
        return {
          id: Number(token.split(':')[0]),
          is_bot: true,
          first_name: 'SlotPilot Test',
          username: 'slotpilot_test_bot',
          can_join_groups: false,
          can_read_all_group_messages: false,
          supports_inline_queries: false,
          can_connect_to_business: false,
          has_main_web_app: this.bot.hasMainWebApp === true,
        };
      case 'sendMessage': {
        const messageId = this.nextMessageId++;
        this.messages.set(`${payload.chat_id}:${messageId}`, shown(payload));
        return { message_id: messageId, date: now(), chat, text: payload.text, reply_markup: payload.reply_markup };
      }
      case 'sendInvoice':
        return {
          message_id: this.nextMessageId++,
          date: now(),
          chat,
          invoice: {
            title: payload.title,
            description: payload.description,
            start_parameter: '',
            currency: payload.currency,
            total_amount: payload.prices?.[0]?.amount ?? 0,
          },
        };
      case 'editMessageText':
        this.messages.set(`${payload.chat_id}:${payload.message_id}`, shown(payload));
        return { message_id: payload.message_id, date: now(), chat, text: payload.text, reply_markup: payload.reply_markup };
      case 'createInvoiceLink':
        return `https://t.me/$fake-invoice-${++this.invoices}`;
      case 'answerCallbackQuery':
        this.answeredQueries.add(String(payload.callback_query_id));
        return true;
      case 'getStarTransactions': {
        const offset = Number(payload.offset ?? 0);
        const limit = Math.min(Math.max(Number(payload.limit ?? 100), 1), 100);
        return { transactions: this.starTransactions.slice(offset, offset + limit) };
      }
      case 'refundStarPayment': {
        const paid = this.starTransactions.find((t) => t.id === payload.telegram_payment_charge_id && t.source);
        this.starTransactions.push({
          id: payload.telegram_payment_charge_id,
          amount: paid?.amount ?? 0,
          date: now(),
          receiver: { type: 'user', transaction_type: 'invoice_payment', user: paid?.source.user },
        });
        return true;
      }
      default:
        return true;
    }
  }

  /** What Telegram refuses for this call, or nothing. */
  private refusal(method: string, payload: Payload): TelegramFailure | undefined {
    const bad = (description: string): TelegramFailure => ({ error_code: 400, description: `Bad Request: ${description}` });
    const markupProblem = buttonProblem(payload.reply_markup);
    if (markupProblem) return bad(markupProblem);
    if (method === 'setChatMenuButton') {
      const url = payload.menu_button?.web_app?.url;
      if (url !== undefined && !String(url).startsWith('https://'))
        return bad(`menu button Web App URL '${url}' is invalid: Only HTTPS links are allowed`);
    }
    if (method === 'sendMessage' || method === 'editMessageText') {
      const text = String(payload.text ?? '');
      let visible = text;
      if (payload.parse_mode === 'HTML') {
        const parsed = parseHtml(text);
        if ('error' in parsed) return bad(`can't parse entities: ${parsed.error}`);
        visible = parsed.text;
      }
      if (visible.trim().length === 0) return bad('message text is empty');
      if (visible.length > 4096) return bad('message is too long');
      if (method === 'editMessageText') {
        const before = this.messages.get(`${payload.chat_id}:${payload.message_id}`);
        if (before !== undefined && before === shown(payload))
          return bad(
            'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
          );
      }
    }
    if (method === 'answerCallbackQuery') {
      if (this.answeredQueries.has(String(payload.callback_query_id)))
        return bad('query is too old and response timeout expired or query ID is invalid');
      if (String(payload.text ?? '').length > 200) return bad('MESSAGE_TOO_LONG');
    }
    return undefined;
  }
}

const now = () => Math.floor(Date.now() / 1000);

/** A message as the user sees it: its text and its buttons. */
const shown = (payload: Payload) => JSON.stringify([payload.text, payload.reply_markup?.inline_keyboard ?? null]);

function buttonProblem(markup: Payload | undefined): string | undefined {
  for (const button of (markup?.inline_keyboard ?? []).flat() as Payload[]) {
    if (typeof button.callback_data === 'string' && Buffer.byteLength(button.callback_data) > 64) return 'BUTTON_DATA_INVALID';
    if (typeof button.callback_data === 'string' && button.callback_data.length === 0) return 'BUTTON_DATA_INVALID';
    const webApp = button.web_app?.url;
    if (webApp !== undefined && !String(webApp).startsWith('https://'))
      return `inline keyboard button Web App URL '${webApp}' is invalid: Only HTTPS links are allowed`;
    if (button.url !== undefined && !/^(https?|tg):\/\//.test(String(button.url))) return 'BUTTON_URL_INVALID';
    if (String(button.text ?? '').length === 0) return 'BUTTON_TEXT_INVALID';
  }
  return undefined;
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'a',
  'code',
  'pre',
  'span',
  'tg-spoiler',
  'tg-emoji',
  'blockquote',
]);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** Telegram's HTML parse mode: the supported tags, properly nested, and `<`, `>`, `&` escaped everywhere else. */
export function parseHtml(html: string): { text: string } | { error: string } {
  const open: string[] = [];
  let text = '';
  let i = 0;
  while (i < html.length) {
    const c = html[i]!;
    if (c === '<') {
      const end = html.indexOf('>', i);
      if (end < 0) return { error: `Unclosed start tag at byte offset ${i}` };
      const tag = html.slice(i + 1, end);
      const closing = tag.startsWith('/');
      const name = (closing ? tag.slice(1) : tag).trim().split(/\s/)[0]!.toLowerCase();
      if (!HTML_TAGS.has(name)) return { error: `Unsupported start tag "${name}" at byte offset ${i}` };
      if (closing) {
        if (open.pop() !== name)
          return { error: `Unmatched end tag at byte offset ${i}, expected "</${open.at(-1) ?? ''}>", found "</${name}>"` };
      } else open.push(name);
      i = end + 1;
    } else if (c === '&') {
      const match = /^&(#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]+);/i.exec(html.slice(i, i + 12));
      if (!match) return { error: `Character entity expected at byte offset ${i}` };
      const name = match[1]!;
      if (name.startsWith('#'))
        text += String.fromCodePoint(name[1] === 'x' || name[1] === 'X' ? Number.parseInt(name.slice(2), 16) : Number(name.slice(1)));
      else if (ENTITIES[name.toLowerCase()] !== undefined) text += ENTITIES[name.toLowerCase()];
      else return { error: `Unknown character entity "${name}" at byte offset ${i}` };
      i += match[0].length;
    } else if (c === '>') {
      return { error: `Unexpected end tag ">" at byte offset ${i}` };
    } else {
      text += c;
      i++;
    }
  }
  if (open.length) return { error: `Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { text };
}

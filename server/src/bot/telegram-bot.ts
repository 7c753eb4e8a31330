// The bot's lifecycle around the composer tree: the Bot API clients (auto-retry; throttling for notifications), long
// polling by one instance at a time (a lease: Telegram allows one getUpdates consumer) or a webhook served by every
// instance, the outbox delivery and the source-incident watcher, and a stop that lets work in flight finish.
// Telegram being unreachable never blocks the server's start: the bot connects in the background and says so once.
import { autoRetry } from '@grammyjs/auto-retry';
import { type RunnerHandle, run } from '@grammyjs/runner';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Api, Bot, GrammyError, webhookCallback } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Logger } from 'pino';
import { RefundRejectedError, type StarsGateway, StarTransaction } from '../accounts/billing-service.ts';
import type { CredentialService } from '../accounts/credential-service.ts';
import type { FeedStatus } from '../feed/feed-status.ts';
import { OutboxDelivery, type OutboxDeliveryOptions } from '../notify/outbox-delivery.ts';
import { SourceIncidents } from '../notify/source-incidents.ts';
import { TaskEndings } from '../notify/task-endings.ts';
import type { SharedState } from '../platform/kv/types.ts';
import { installHandlers } from './bot-handlers.ts';
import type { BotContext } from './context.ts';
import { messageLimits } from './message-limits.ts';
import { isWebAppUrl } from './mini-app-links.ts';
import { notificationRenderer } from './notification-renderer.ts';
import { PaymentReceipts } from './payment-receipts.ts';
import type { BotServices } from './services.ts';
import { SharedSessionStorage } from './session-storage.ts';
import { textsFor } from './texts/index.ts';

export const WEBHOOK_PATH = '/telegram/webhook';
const ALLOWED_UPDATES = ['message', 'callback_query', 'pre_checkout_query'] as const;
/** A /new draft nobody touched for this long is dropped. */
const SESSION_TTL_MS = 24 * 60 * 60_000;
const POLLER_LEASE_MS = 15_000;
/** How often the delivery leader reconciles Star transactions with the payments table. */
const RECONCILE_EVERY_MS = 5 * 60_000;
/** A payment this young is left to its update handler (reconciliation would merely race it). */
const RECONCILE_MIN_AGE_MS = 2 * 60_000;
const STARS_PAGE = 100;
/** The position in the bot's Star transactions (chronological, append-only) below which all is reconciled. */
const STARS_CURSOR_TTL_MS = 365 * 24 * 60 * 60_000;

export type DeliveryTuning = Partial<
  Pick<OutboxDeliveryOptions, 'maxAttempts' | 'retryBaseMs' | 'retryCapMs' | 'maxInFlight' | 'claimTtlMs' | 'idleMs' | 'stopGraceMs'>
>;

export interface TelegramBotOptions {
  token: string;
  apiRoot: string;
  mode: 'polling' | 'webhook';
  webhookSecret: string | undefined;
  /** Where Telegram reaches the webhook (webhook mode). */
  publicUrl: string | undefined;
  services: BotServices;
  credentials: CredentialService;
  feedStatus: () => Promise<FeedStatus>;
  orm: MikroORM;
  shared: SharedState;
  instanceId: string;
  logger: Logger;
  /** Skips getMe (tests). */
  botInfo?: UserFromGetMe;
  delivery?: DeliveryTuning;
  incidentCheckMs?: number;
  endingsCheckMs?: number;
  /** How often Star transactions are reconciled (default 5 min). */
  reconcileMs?: number;
}

export interface ReconcileSummary {
  /** Stored payment updates settled (their handler had not finished). */
  receipts: number;
  /** Star transactions looked at. */
  scanned: number;
  credited: number;
  refunded: number;
  refused: number;
}

export class TelegramBot {
  readonly bot: Bot<BotContext>;
  readonly delivery: OutboxDelivery;
  readonly incidents: SourceIncidents;
  /** Reports task endings the engine wrote no message for (expired, probe failures). */
  readonly endings: TaskEndings;
  /** Invoices and refunds, for BillingService. */
  readonly stars: StarsGateway;
  /** Raw payment updates, stored before crediting; reconciliation settles what a handler left. */
  readonly receipts: PaymentReceipts;
  private readonly botId: string;
  private readonly stopping = new AbortController();
  private runner: RunnerHandle | undefined;
  private lifecycle: Promise<void> | undefined;
  private reconciling: Promise<void> | undefined;
  private unreachableSince: number | undefined;

  constructor(private readonly options: TelegramBotOptions) {
    const { token, apiRoot, logger, shared } = options;
    this.botId = token.split(':')[0] ?? 'bot';
    this.bot = new Bot<BotContext>(token, {
      client: { apiRoot, timeoutSeconds: 60 },
      ...(options.botInfo ? { botInfo: options.botInfo } : {}),
    });
    // Replies wait out short flood limits and Telegram's 5xx; network failures surface at once (no endless retry).
    this.bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 30, rethrowHttpErrors: true }));
    // Installed last, so it runs first: each part of a split message is retried on its own.
    this.bot.api.config.use(messageLimits());
    this.receipts = new PaymentReceipts({ orm: options.orm, billing: options.services.billing, logger });
    installHandlers(
      this.bot,
      { ...options.services, credentials: options.credentials, receipts: this.receipts },
      new SharedSessionStorage(shared.cache, `bot:${this.botId}:session:`, SESSION_TTL_MS),
    );
    this.bot.catch(({ error, ctx }) =>
      logger.error({ event: 'bot.update_failed', updateId: ctx.update.update_id, err: error }, 'an update failed outside the handlers'),
    );

    // Notifications get their own client: throttled to Telegram's limits (about 30/s overall, 1/s per chat). A short
    // 429 is waited out here; longer ones, 5xx and network failures go back to the outbox with a backoff.
    const deliveryApi = new Api(token, { apiRoot, timeoutSeconds: 30 });
    deliveryApi.config.use(
      apiThrottler(),
      autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 30, rethrowInternalServerErrors: true, rethrowHttpErrors: true }),
      messageLimits(),
    );
    this.delivery = new OutboxDelivery({
      orm: options.orm,
      shared,
      api: deliveryApi,
      render: notificationRenderer({
        ...options.services,
        credentials: options.credentials,
        deepLinkBot: () =>
          this.bot.isInited()
            ? { username: this.bot.botInfo.username, hasMainWebApp: this.bot.botInfo.has_main_web_app === true }
            : undefined,
      }),
      logger,
      instanceId: options.instanceId,
      leaseName: `bot:${this.botId}:delivery`,
      ...options.delivery,
    });
    this.incidents = new SourceIncidents({
      orm: options.orm,
      shared,
      status: options.feedStatus,
      isLeader: () => this.delivery.isLeader,
      logger,
      keyPrefix: `bot:${this.botId}:`,
      onEnqueued: () => this.delivery.nudge(),
      ...(options.incidentCheckMs ? { intervalMs: options.incidentCheckMs } : {}),
    });
    this.endings = new TaskEndings({
      orm: options.orm,
      isLeader: () => this.delivery.isLeader,
      logger,
      onEnqueued: () => this.delivery.nudge(),
      ...(options.endingsCheckMs ? { intervalMs: options.endingsCheckMs } : {}),
    });
    this.stars = {
      createInvoiceLink: (invoice) =>
        // Stars need no payment provider: the provider token is empty.
        this.bot.api.createInvoiceLink(invoice.title, invoice.description, invoice.payload, '', invoice.currency, invoice.prices),
      starTransactions: async (offset, limit) => (await this.bot.api.getStarTransactions({ offset, limit })).transactions,
      refundStarPayment: async (userId, chargeId) => {
        try {
          await this.bot.api.refundStarPayment(userId, chargeId);
        } catch (error) {
          // Refunded before (say, the first attempt's commit failed): the refund is done, which is what was asked.
          if (error instanceof GrammyError && /CHARGE_ALREADY_REFUNDED/i.test(error.description)) return;
          if (error instanceof GrammyError) throw new RefundRejectedError(error.description);
          throw error;
        }
      },
    };
  }

  /** `POST /telegram/webhook` (webhook mode): Telegram's secret token is checked before anything else runs. */
  webhookHandler(): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
    const callback = webhookCallback(this.bot, 'fastify', {
      secretToken: this.options.webhookSecret,
      // Telegram re-sends an update whose answer takes over 10 s; a slow handler finishes anyway, answered once.
      onTimeout: 'return',
      timeoutMilliseconds: 9_000,
    });
    return async (request, reply) => {
      await callback(request, reply);
    };
  }

  /** For /readyz: whether Telegram answers, how updates arrive, and what delivery has done. */
  health() {
    return {
      reachable: this.unreachableSince === undefined && this.bot.isInited(),
      mode: this.options.mode,
      polling: this.runner !== undefined,
      unreachableSince: this.unreachableSince ? new Date(this.unreachableSince).toISOString() : null,
      delivery: { ...this.delivery.stats },
    };
  }

  start(): void {
    this.delivery.start();
    this.incidents.start();
    this.endings.start();
    this.lifecycle = this.options.mode === 'polling' ? this.pollLoop() : this.setUp().then(() => undefined);
    this.reconciling = this.reconcileLoop();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.lifecycle;
    // A reconciliation under way gets a few seconds; it is idempotent and the next leader runs it again.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.reconciling,
      new Promise((resolve) => {
        timer = setTimeout(resolve, 3_000);
      }),
    ]);
    clearTimeout(timer);
    await Promise.all([this.delivery.stop(), this.incidents.stop(), this.endings.stop()]);
  }

  /**
   * Settle the stored payment updates their handlers left (payment_receipts), then walk the bot's Star transactions
   * from the stored cursor and reconcile each with the payments table (credits what
   * was paid and never credited, takes back what Telegram refunded). The cursor stops before the first transaction
   * younger than `minAgeMs`, so it is looked at again next time.
   */
  async reconcileStars({ minAgeMs = RECONCILE_MIN_AGE_MS }: { minAgeMs?: number } = {}): Promise<ReconcileSummary> {
    const { services, shared, logger } = this.options;
    const cursorKey = `bot:${this.botId}:stars-cursor`;
    let offset = Number((await shared.cache.get(cursorKey)) ?? 0) || 0;
    // The stored updates first: they need nothing from Telegram, so a getStarTransactions failure cannot hold them up.
    const settled = await this.receipts.settle({ minAgeMs });
    const summary: ReconcileSummary = {
      receipts: settled.settled,
      scanned: 0,
      credited: settled.credited,
      refunded: settled.refunded,
      refused: settled.refused,
    };
    if (settled.credited + settled.refunded + settled.refused > 0) this.delivery.nudge();
    const newest = Date.now() - minAgeMs;
    for (;;) {
      const page = await this.stars.starTransactions(offset, STARS_PAGE);
      let done = page.length < STARS_PAGE;
      for (const raw of page) {
        const tx = StarTransaction.safeParse(raw);
        if (tx.success && tx.data.date * 1_000 > newest) {
          done = true;
          break;
        }
        // The buyer's row first: a payment whose update never reached the handlers may come from a user we never saw.
        const buyer = tx.success ? tx.data.source?.user : undefined;
        if (buyer)
          await services.users.upsertFromTelegram({
            id: buyer.id,
            firstName: buyer.first_name,
            lastName: buyer.last_name,
            username: buyer.username,
            languageCode: buyer.language_code,
          });
        const outcome = await services.billing.reconcileTransaction(raw);
        summary.scanned++;
        if (outcome === 'credited') summary.credited++;
        else if (outcome === 'refunded') summary.refunded++;
        else if (outcome === 'refused') summary.refused++;
        offset++;
        await shared.cache.set(cursorKey, String(offset), STARS_CURSOR_TTL_MS);
      }
      if (done) break;
    }
    if (summary.credited + summary.refunded + summary.refused > 0) {
      logger.warn({ event: 'billing.reconciliation', ...summary }, 'Star transactions reconciled: payments corrected');
      this.delivery.nudge();
    }
    return summary;
  }

  /** Reconciliation by whichever instance leads delivery, every few minutes, from the first minute on. */
  private async reconcileLoop(): Promise<void> {
    const every = this.options.reconcileMs ?? RECONCILE_EVERY_MS;
    await this.pause(Math.min(every, 60_000));
    while (!this.stopping.signal.aborted) {
      const failed = (err: unknown) =>
        this.options.logger.warn({ event: 'billing.reconciliation_failed', err }, 'payments could not be reconciled; retrying later');
      if (this.delivery.isLeader && this.bot.isInited()) await this.reconcileStars().catch(failed);
      // Telegram unreachable: the stored receipts need nothing from it, so paid Stars still become credits now.
      else if (this.delivery.isLeader)
        await this.receipts
          .settle({ minAgeMs: RECONCILE_MIN_AGE_MS })
          .then((settled) => {
            if (settled.credited + settled.refunded + settled.refused > 0) this.delivery.nudge();
          })
          .catch(failed);
      await this.pause(every);
    }
  }

  /** getMe, commands and the default menu button; retried until Telegram answers (or the bot stops). */
  private async setUp(): Promise<boolean> {
    let delayMs = 1_000;
    while (!this.stopping.signal.aborted) {
      try {
        // grammY types its signal as the abort-controller polyfill's; it only calls addEventListener on it.
        await this.bot.init(this.stopping.signal as unknown as Parameters<Bot['init']>[0]);
        if (this.unreachableSince !== undefined) this.options.logger.info({ event: 'bot.reachable' }, 'Telegram answers again');
        this.unreachableSince = undefined;
        await this.describeBot();
        if (this.options.mode === 'webhook') await this.registerWebhook();
        this.options.logger.info(
          { event: 'bot.ready', username: this.bot.botInfo.username, mode: this.options.mode },
          `the bot @${this.bot.botInfo.username} is on (${this.options.mode})`,
        );
        return true;
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        if (this.unreachableSince === undefined) {
          this.unreachableSince = Date.now();
          this.options.logger.warn(
            { event: 'bot.unreachable', apiRoot: this.options.apiRoot, err: error },
            'cannot reach the Telegram Bot API; the bot keeps trying in the background',
          );
        }
        await this.pause(delayMs);
        delayMs = Math.min(delayMs * 2, 60_000);
      }
    }
    return false;
  }

  private async describeBot(): Promise<void> {
    const { api } = this.bot;
    const home = this.options.services.links.home();
    try {
      // Russian for everyone, English for English-language clients (as the bot speaks).
      await api.setMyCommands(textsFor('ru').commands);
      await api.setMyCommands(textsFor('en').commands, { language_code: 'en' });
      // Russian is the default for every client language; English clients get English.
      await api.setMyDescription(textsFor('ru').description);
      await api.setMyShortDescription(textsFor('ru').shortDescription);
      await api.setMyDescription(textsFor('en').description, { language_code: 'en' });
      await api.setMyShortDescription(textsFor('en').shortDescription, { language_code: 'en' });
      if (isWebAppUrl(home))
        await api.setChatMenuButton({ menu_button: { type: 'web_app', text: textsFor('ru').common.menuButton, web_app: { url: home } } });
    } catch (error) {
      // Cosmetic: the bot works without them (an http:// Mini App URL outside production is the usual reason).
      this.options.logger.warn(
        { event: 'bot.describe_failed', err: error, miniAppUrl: home },
        'could not set the bot commands or menu button',
      );
    }
    // Admins see their commands in their own chats only (a chat scope per admin; one that never started the bot fails).
    for (const adminId of this.options.services.adminIds)
      await api
        .setMyCommands([...textsFor('ru').commands, ...textsFor('ru').adminCommands], { scope: { type: 'chat', chat_id: adminId } })
        .catch((err: unknown) =>
          this.options.logger.info({ event: 'bot.admin_commands_failed', adminId, err }, 'could not set the admin command menu'),
        );
    if (!isWebAppUrl(home))
      this.options.logger.warn(
        { event: 'bot.miniapp_not_https', miniAppUrl: home },
        'Telegram opens Mini Apps over https only: set PUBLIC_URL; the bot leaves its Mini App buttons out until then',
      );
  }

  private async registerWebhook(): Promise<void> {
    const url = `${(this.options.publicUrl ?? '').replace(/\/+$/, '')}${WEBHOOK_PATH}`;
    await this.bot.api.setWebhook(url, {
      allowed_updates: [...ALLOWED_UPDATES],
      ...(this.options.webhookSecret ? { secret_token: this.options.webhookSecret } : {}),
    });
  }

  /** Long polling, by whichever instance holds the poller lease; the others stand by to take over. */
  private async pollLoop(): Promise<void> {
    if (!(await this.setUp())) return;
    const { shared, instanceId, logger } = this.options;
    const lease = `bot:${this.botId}:poller`;
    let failed = false;
    while (!this.stopping.signal.aborted) {
      try {
        const leading = await shared.leases.acquire(lease, instanceId, POLLER_LEASE_MS);
        if (failed || (!leading && this.runner)) {
          await this.stopRunner();
          failed = false;
        }
        if (leading && !this.runner) {
          // getUpdates refuses to run while a webhook is set (from an earlier deployment in webhook mode).
          await this.bot.api.deleteWebhook();
          const runner = run(this.bot, {
            runner: { fetch: { timeout: 25, allowed_updates: [...ALLOWED_UPDATES] }, retryInterval: 1_000, silent: true },
          });
          this.runner = runner;
          logger.info({ event: 'bot.polling', instanceId }, 'polling Telegram for updates');
          runner.task()?.catch((error: unknown) => {
            // 401 (the token was revoked) or 409 (another process polls with this token): try again later.
            logger.error({ event: 'bot.polling_failed', err: error }, 'polling stopped');
            failed = true;
          });
        }
      } catch (error) {
        logger.warn({ event: 'bot.poller_step_failed', err: error }, 'bot poller step failed; retrying');
      }
      await this.pause(POLLER_LEASE_MS / 3);
    }
    await this.stopRunner();
    await shared.leases.release(lease, instanceId).catch(() => undefined);
  }

  /** Stop fetching, then give the updates already fetched a few seconds to finish (they may be mid-payment). */
  private async stopRunner(): Promise<void> {
    const runner = this.runner;
    this.runner = undefined;
    if (!runner) return;
    await Promise.resolve(runner.stop()).catch(() => undefined);
    const deadline = Date.now() + 5_000;
    while (runner.size() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private pause(ms: number): Promise<void> {
    const signal = this.stopping.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

// Builds and starts the whole server from a config: platform → services → HTTP. Returns how to stop it, in reverse order.

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { BillingService } from './accounts/billing-service.ts';
import { CredentialService } from './accounts/credential-service.ts';
import { CredentialVault } from './accounts/credential-vault.ts';
import { PreorderService } from './accounts/preorder-service.ts';
import { UserService } from './accounts/user-service.ts';
import { InitDataVerifier } from './api/auth/init-data.ts';
import { type App, buildApp } from './app.ts';
import { miniAppLinks } from './bot/mini-app-links.ts';
import { TaskInspection } from './bot/task-inspection.ts';
import { TelegramBot } from './bot/telegram-bot.ts';
import type { Config } from './config.ts';
import { TaskArchive } from './db/task-archive.ts';
import { OfficialSource } from './feed/official-source.ts';
import { PortalSource } from './feed/portal-source.ts';
import { SlotFeed } from './feed/slot-feed.ts';
import { WarehouseDirectory } from './feed/warehouse-directory.ts';
import { isBookable } from './feed/warehouse-slots.ts';
import { startMetricsServer } from './http/metrics-endpoint.ts';
import { HistoryPartitions } from './insights/history-partitions.ts';
import { HistoryRecorder } from './insights/history-recorder.ts';
import { InsightDays } from './insights/insight-days.ts';
import { InsightsService } from './insights/insights-service.ts';
import { PreorderCostsService } from './insights/preorder-costs.ts';
import { ActorHost } from './monitor/actor-host.ts';
import { newInstanceId } from './monitor/instance-leases.ts';
import { Redistribution } from './monitor/redistribution.ts';
import { SupplyAct } from './monitor/supply-act.ts';
import { SupplyProbe } from './monitor/supply-probe.ts';
import { TaskService } from './monitor/task-service.ts';
import { TransitionLog } from './monitor/transition-log.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from './platform/db/embedded-postgres.ts';
import { ensureDatabase } from './platform/db/ensure-database.ts';
import { openDatabase, pingDatabase } from './platform/db/orm.ts';
import { createMemorySharedState } from './platform/kv/memory.ts';
import { createRedisSharedState } from './platform/kv/redis.ts';
import type { SharedState } from './platform/kv/types.ts';
import { generateDevBotToken, generateMasterKey, generatePassword, loadOrCreateLocalSecret } from './platform/local-secrets.ts';
import type { SecretScrubber } from './platform/logger.ts';
import { createMetrics } from './platform/metrics.ts';
import { withTimeout } from './platform/with-timeout.ts';
import { type SandboxFeedSeller, startInProcessSandbox } from './sandbox/in-process.ts';
import { createWbGateway } from './wb/wb-gateway.ts';

export interface RunningServer {
  app: App;
  feed: SlotFeed;
  host: ActorHost;
  /** The in-process WB sandbox, in sandbox mode. */
  sandboxUrl: string | undefined;
  orm: MikroORM;
  shared: SharedState;
  /** The Telegram bot, when BOT_TOKEN is set. */
  telegram: TelegramBot | undefined;
  /** Where the server listens, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Where GET /metrics is served on its own port (METRICS_PORT), if it is. */
  metricsUrl: string | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  scrubber: SecretScrubber;
  miniappDir?: string;
  /** Monitor tuning (tests shorten the lease). */
  monitor?: {
    leaseTtlMs?: number;
    heartbeatMs?: number;
    pollIntervalMs?: number;
    redistributionPollMs?: number;
    /** How often, and past what age, pending operations of finished or paused tasks are reconciled with WB. */
    sweepEveryMs?: number;
    sweepAfterMs?: number;
  };
}

export async function startServer(options: StartOptions): Promise<RunningServer> {
  const { config, logger, scrubber, miniappDir } = options;
  const stops: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const stopAll = async () => {
    for (const { name, stop } of stops.reverse()) {
      await stop().catch((err: unknown) => logger.error({ event: 'shutdown.step_failed', step: name, err }, `stopping ${name} failed`));
    }
    stops.length = 0;
  };

  try {
    const masterKey = config.masterKey ?? (await localSecret(config, logger, 'master-key', generateMasterKey, 'MASTER_KEY is not set'));
    const botToken = config.bot.token ?? (await localSecret(config, logger, 'dev-bot-token', generateDevBotToken, 'BOT_TOKEN is not set'));
    scrubber.pin(masterKey);
    scrubber.pin(botToken);

    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const password = (await loadOrCreateLocalSecret(config.dataDir, 'postgres-password', generatePassword)).value;
      scrubber.pin(password);
      const embedded: EmbeddedDatabase = await startEmbeddedPostgres({ dataDir: path.join(config.dataDir, 'postgres'), password, logger });
      stops.push({ name: 'embedded postgres', stop: () => embedded.stop() });
      await ensureDatabase(embedded.url, 'slotpilot');
      databaseUrl = embedded.urlFor('slotpilot');
    }
    const orm = await openDatabase(databaseUrl, logger);
    // Bounded: after PostgreSQL itself restarted, a pool client lost with the old server can keep the pool from ending
    // (test/security/outages.test.ts); the process must still finish its graceful stop in time.
    stops.push({ name: 'database', stop: () => withTimeout(orm.close(), 5_000, 'the database pool did not close in 5 s') });

    let shared: SharedState;
    if (config.redisUrl) {
      shared = await createRedisSharedState({ url: config.redisUrl, logger });
    } else {
      shared = createMemorySharedState();
      logger.warn({ event: 'shared_state.memory' }, 'REDIS_URL is not set: shared state lives in memory, so run a single instance');
    }
    stops.push({ name: 'shared state', stop: () => shared.close() });

    // WB: the simulator in-process in sandbox mode, then the clients (pointed at it by the config).
    let sandboxSeller: SandboxFeedSeller | undefined;
    let wbUrls: { commonApiUrl: string; suppliesApiUrl: string; portalUrl: string; portalAuthUrl: string } = config.wb;
    let sandboxUrl: string | undefined;
    if (config.wb.sandbox) {
      const sandbox = await startInProcessSandbox({ port: config.wb.sandboxPort, logger, officialEnabled: config.wb.sandboxOfficial });
      stops.push({ name: 'wb sandbox', stop: () => sandbox.close() });
      sandboxSeller = sandbox.feedSeller;
      sandboxUrl = sandbox.url;
      scrubber.pin(sandboxSeller.token);
      scrubber.pin(sandboxSeller.portalSession);
      // The sandbox may have taken any free port (WB_SANDBOX_PORT=0): point every WB URL at where it really is.
      wbUrls = { commonApiUrl: sandbox.url, suppliesApiUrl: sandbox.url, portalUrl: sandbox.url, portalAuthUrl: sandbox.url };
    }
    const metrics = createMetrics();
    const wb = createWbGateway(
      { ...wbUrls, portalRootVersion: config.wb.portalRootVersion, portalReadIntervalMs: config.wb.portalReadIntervalMs },
      shared,
      metrics,
      logger,
    );
    stops.push({ name: 'wb gateway', stop: () => wb.close() });

    const vault = new CredentialVault(masterKey);
    const credentials = new CredentialService({ orm, vault, official: wb.official, portal: wb.portal, scrubber, logger });
    const feedCredentials = {
      // In sandbox mode the simulator's own demo seller lends its budget too, so the calendar works before any key is added.
      list: async () => [...(sandboxSeller ? [sandboxSeller] : []), ...(await credentials.feedCredentials())],
      rejected: async (credentialId: string, reason: string) => {
        if (sandboxSeller && credentialId === sandboxSeller.credentialId)
          logger.warn({ event: 'sandbox.seller_rejected', reason }, 'the sandbox rejected its own demo seller');
        else await credentials.markRejected(credentialId, reason);
      },
    };
    const instanceId = newInstanceId(os.hostname(), process.pid, randomBytes(3).toString('hex'));
    const portalFeedSessions = {
      // In sandbox mode the simulator's demo seller lends its portal session (shared), so the calendar is alive on
      // first start even with WB's official method switched off, as it is today.
      list: async () => [
        ...(sandboxSeller
          ? [
              {
                credentialId: sandboxSeller.credentialId,
                userId: 0,
                sid: sandboxSeller.sid,
                session: sandboxSeller.portalSession,
                share: true,
              },
            ]
          : []),
        ...(await credentials.feedPortalSessions()),
      ],
      rejected: feedCredentials.rejected,
    };
    // Slot history (issue 18): partitions made ahead before the first write; the recorder flushes after the feed stops.
    const historyPartitions = new HistoryPartitions({ orm, logger, retentionDays: config.historyRetentionDays });
    await historyPartitions.start();
    stops.push({ name: 'history partitions', stop: () => historyPartitions.stop() });
    const history = new HistoryRecorder({ orm, logger, partitions: historyPartitions });
    history.start();
    stops.push({ name: 'history recorder', stop: () => history.stop() });
    metrics.gauge(
      'slotpilot_history',
      'Slot history recorder since start: readings, changes, rows written or dropped, write failures',
      ['count'],
      (set) => {
        const { readings, readingsDropped, changes, rowsWritten, rowsDropped, writeFailures } = history.stats;
        for (const [count, v] of Object.entries({ readings, readingsDropped, changes, rowsWritten, rowsDropped, writeFailures })) {
          set({ count }, v);
        }
      },
    );
    metrics.gauge('slotpilot_history_flush_seconds', "Duration of the slot history recorder's last and longest write", ['which'], (set) => {
      set({ which: 'last' }, history.stats.lastFlushMs / 1000);
      set({ which: 'max' }, history.stats.maxFlushMs / 1000);
    });
    // Days two days old are folded into per-day openings (hourly), so 30-day figures do not read a month of changes.
    const insightDays = new InsightDays({ orm, logger });
    insightDays.start();
    stops.push({ name: 'insight days', stop: () => insightDays.stop() });
    const feed = new SlotFeed({
      onReading: (reading) => history.record(reading),
      shared,
      sources: [
        new OfficialSource({ official: wb.official, credentials: feedCredentials, logger }),
        new PortalSource({ portal: wb.portal, intervalMs: config.wb.portalReadIntervalMs, logger, sessions: portalFeedSessions }),
      ],
      logger,
      instanceId,
    });
    await feed.start();
    stops.push({ name: 'slot feed', stop: () => feed.stop() });
    const warehouses = new WarehouseDirectory({
      shared,
      official: wb.official,
      credentials: feedCredentials,
      portal: wb.portal,
      portalSessions: portalFeedSessions,
      logger,
    });

    // The monitor: one actor per task, on the tasks this instance holds leases for.
    const transitions = new TransitionLog();
    const host = new ActorHost({
      orm,
      shared,
      feed,
      supplyProbe: new SupplyProbe(feed),
      supplyAct: new SupplyAct({ orm, portal: wb.portal, credentials, logger, publicUrl: config.publicUrl }),
      redistribution: new Redistribution({ orm, portal: wb.portal, credentials, logger }),
      transitions,
      metrics,
      logger,
      instanceId,
      leaseTtlMs: config.monitorLeaseMs,
      heartbeatMs: Math.max(500, Math.round(config.monitorLeaseMs / 3)),
      ...options.monitor,
    });
    await host.start();
    stops.push({ name: 'actors', stop: () => host.stop() });
    const tasks = new TaskService({
      orm,
      host,
      credentials,
      warehouses,
      portal: wb.portal,
      feed,
      logger,
    });
    const shutdown = new AbortController();
    registerStateMetrics(metrics, { feed, host, orm });
    // Finished tasks older than TASK_ARCHIVE_DAYS leave the hot table: hourly, by whichever instance holds the lease.
    const taskArchive = new TaskArchive({ orm, leases: shared.leases, instanceId, logger, afterDays: config.taskArchiveDays });
    taskArchive.start();
    stops.push({ name: 'task archive', stop: () => taskArchive.stop() });
    metrics.gauge('slotpilot_tasks_archived', 'Finished tasks this instance moved to the archive since start', [], (set) =>
      set({}, taskArchive.archivedTotal),
    );

    // Slot insights: the API's insights.* and the bot's /new line read the same cached answers.
    const insights = new InsightsService({
      orm,
      cache: shared.cache,
      rateLimiter: shared.createRateLimiter({ keyPrefix: 'insights-rate', points: 60, durationS: 60, localFallback: true }),
      retentionDays: config.historyRetentionDays,
      logger,
    });

    // The bot: on only with a real BOT_TOKEN (the generated development token merely signs init data).
    const users = new UserService(orm);
    const billing = new BillingService({ orm, logger });
    const preorders = new PreorderService({ portal: wb.portal, credentials, cache: shared.cache, logger });
    let listeningPort: number | undefined;
    const links = miniAppLinks(() => config.publicUrl ?? `http://localhost:${listeningPort ?? config.port}`);
    let telegram: TelegramBot | undefined;
    if (config.bot.token) {
      telegram = new TelegramBot({
        token: config.bot.token,
        apiRoot: config.bot.apiRoot,
        mode: config.bot.mode,
        webhookSecret: config.bot.webhookSecret,
        publicUrl: config.publicUrl,
        services: {
          users,
          tasks,
          warehouses,
          billing,
          inspection: new TaskInspection({ orm, host, transitions }),
          adminIds: config.adminIds,
          links,
          logger,
          insights,
          // /new offers only the box types WB lists for the warehouse (waits a moment for a cold one).
          boxTypesOf: async (warehouseId, userId) => {
            const picture = (await feed.read([warehouseId], { waitMs: 1_500, userId })).get(warehouseId);
            return picture ? [...new Set(picture.cells.map((cell) => cell.boxTypeId))] : undefined;
          },
          cellOpen: ({ warehouseId, date, boxTypeId }, userId) => {
            const picture = feed.peek(warehouseId, userId);
            if (!picture) return undefined;
            const cells = picture.cells.filter((c) => c.date === date && (boxTypeId === undefined || c.boxTypeId === boxTypeId));
            return cells.length ? cells.some((c) => isBookable(c)) : undefined;
          },
        },
        credentials,
        feedStatus: () => feed.sourceStatus(),
        orm,
        shared,
        instanceId,
        logger,
      });
      billing.connect(telegram.stars);
      const delivery = telegram.delivery;
      metrics.gauge('slotpilot_outbox_deliveries', 'Notification deliveries by result, since start', ['result'], (set) => {
        for (const [result, count] of Object.entries(delivery.stats)) set({ result }, count);
      });
    } else {
      logger.info({ event: 'bot.off' }, 'BOT_TOKEN is not set: the Telegram bot and notification delivery are off');
    }

    const initData = new InitDataVerifier(botToken);
    const app = await buildApp({
      logger,
      services: {
        users,
        credentials,
        feed,
        warehouses,
        tasks,
        transitions,
        bus: shared.bus,
        orm,
        shutdown: shutdown.signal,
        initData,
        adminIds: config.adminIds,
        billing,
        preorders,
        // Per signed-in user over every instance; with Redis away each instance counts on its own.
        apiRateLimiter: shared.createRateLimiter({
          keyPrefix: 'api-rate',
          points: config.apiRateLimit,
          durationS: 10,
          localFallback: true,
        }),
        insights,
        preorderCosts: new PreorderCostsService({
          portal: wb.portal,
          credentials,
          cache: shared.cache,
          // Per seller account over every instance: a few cost reads a minute at most (the portal limiter spaces them).
          accountLimiter: shared.createRateLimiter({ keyPrefix: 'preorder-costs', points: 4, durationS: 60, localFallback: true }),
          logger,
        }),
        alerts: {
          enabled: telegram !== undefined,
          testLimiter: shared.createRateLimiter({ keyPrefix: 'test-alert', points: 1, durationS: 60, localFallback: true }),
          nudge: () => telegram?.delivery.nudge(),
        },
      },
      ...(telegram && config.bot.mode === 'webhook' ? { telegramWebhook: telegram.webhookHandler() } : {}),
      devLogin: config.devLogin,
      metrics,
      metricsAccess: config.metrics.token
        ? { mode: 'token', token: config.metrics.token }
        : // Open only in development without a metrics port; production serves /metrics on METRICS_PORT or not at all.
          !config.isProduction && config.metrics.port === undefined
          ? { mode: 'open' }
          : { mode: 'off' },
      production: config.isProduction,
      readiness: [
        {
          name: 'database',
          check: async () => {
            await pingDatabase(orm);
            return undefined;
          },
        },
        {
          // WB being down or disabled does not make this instance unready; it is reported for operators.
          name: 'feed',
          critical: false,
          check: async () => {
            const status = await feed.sourceStatus();
            const details = {
              source: status.state,
              reason: status.reason,
              sellers: status.sellers,
              leader: feed.isLeader,
              sources: Object.fromEntries(
                Object.entries(status.sources).map(([kind, s]) => [kind, { state: s.state, reason: s.reason, sellers: s.sellers }]),
              ),
            };
            if (status.state !== 'ok')
              throw Object.assign(new Error(`no slot source is ok (${status.reason ?? status.state})`), { details });
            return details;
          },
        },
        {
          // Telegram being unreachable does not stop the API; it is reported so operators see it.
          name: 'bot',
          critical: false,
          check: async () => {
            if (!telegram) return { bot: 'off' };
            const health = telegram.health();
            if (!health.reachable) throw Object.assign(new Error('the Telegram Bot API does not answer'), { details: health });
            return health;
          },
        },
        {
          name: 'redis',
          check: async () => {
            await shared.ping();
            return { mode: shared.mode };
          },
        },
      ],
      ...(miniappDir ? { miniappDir } : {}),
    });
    stops.push({
      name: 'http',
      stop: async () => {
        shutdown.abort();
        await app.close();
      },
    });

    await app.listen({ port: config.port, host: config.host });
    let metricsUrl: string | undefined;
    if (config.metrics.port !== undefined) {
      const metricsServer = await startMetricsServer({
        port: config.metrics.port,
        host: config.host,
        registry: metrics.registry,
        token: config.metrics.token,
        logger,
      });
      metricsUrl = metricsServer.url;
      stops.push({ name: 'metrics', stop: () => metricsServer.close() });
    }
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    listeningPort = port;
    const url = `http://${config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host}:${port}`;
    if (telegram) {
      const bot = telegram;
      bot.start();
      // Stopped before the HTTP server and the database (stops run in reverse): in-flight updates and sends finish first.
      stops.push({ name: 'telegram bot', stop: () => bot.stop() });
    }
    logger.info(
      { event: 'server.listening', url, devLogin: config.devLogin, wbSandbox: config.wb.sandbox },
      `SlotPilot is listening on ${url}`,
    );
    return { app, orm, shared, feed, host, sandboxUrl, telegram, url, metricsUrl, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

async function localSecret(config: Config, logger: Logger, name: string, generate: () => string, why: string): Promise<string> {
  const { value, created } = await loadOrCreateLocalSecret(config.dataDir, name, generate);
  if (created)
    logger.warn(
      { event: 'local_secret.generated', file: path.join(config.dataDir, name) },
      `${why}: generated one for this machine (development only)`,
    );
  return value;
}

/** Gauges read at scrape time from the components that own the state. */
function registerStateMetrics(
  metrics: ReturnType<typeof createMetrics>,
  { feed, host, orm }: { feed: SlotFeed; host: ActorHost; orm: MikroORM },
) {
  metrics.gauge('slotpilot_feed_age_seconds', 'Seconds since WB last answered for a watched warehouse', ['warehouse'], (set) => {
    for (const { warehouseId, ageSeconds } of feed.freshness()) set({ warehouse: warehouseId }, ageSeconds);
  });
  metrics.gauge('slotpilot_feed_source_state', 'The slot feed state overall (1 for the current one)', ['state'], async (set) => {
    const current = (await feed.sourceStatus()).state;
    for (const state of ['ok', 'rate-limited', 'degraded', 'disabled']) set({ state }, state === current ? 1 : 0);
  });
  metrics.gauge(
    'slotpilot_feed_sources',
    'Each slot source (official method, portal report) by state (1 for its current one)',
    ['source', 'state'],
    async (set) => {
      const { sources } = await feed.sourceStatus();
      for (const [source, status] of Object.entries(sources))
        for (const state of ['ok', 'rate-limited', 'degraded', 'disabled']) set({ source, state }, state === status.state ? 1 : 0);
    },
  );
  metrics.gauge('slotpilot_feed_source_sellers', 'Seller accounts each slot source may read with', ['source'], async (set) => {
    const { sources } = await feed.sourceStatus();
    for (const [source, status] of Object.entries(sources)) set({ source }, status.sellers);
  });
  metrics.gauge('slotpilot_feed_cache_lookups', 'Feed cache lookups by level and result, since start', ['level', 'result'], (set) => {
    const c = feed.counters;
    set({ level: 'l1', result: 'hit' }, c.l1Hits);
    set({ level: 'l1', result: 'miss' }, c.l1Misses);
    set({ level: 'l2', result: 'hit' }, c.l2Hits);
    set({ level: 'l2', result: 'miss' }, c.l2Misses);
  });
  metrics.gauge(
    'slotpilot_feed_upstream_calls',
    'Coefficient calls made by this instance while leading the feed, since start',
    ['result'],
    (set) => {
      set({ result: 'ok' }, feed.counters.upstreamCalls);
      set({ result: 'failed' }, feed.counters.upstreamFailures);
    },
  );
  metrics.gauge('slotpilot_actors', 'Task actors run by this instance, by state', ['state'], (set) => {
    for (const [state, count] of host.countByState()) set({ state }, count);
  });
  metrics.gauge('slotpilot_actors_residency', 'Task actors running in XState now, and parked at rest', ['residency'], (set) => {
    const { live, parked } = host.residency();
    set({ residency: 'live' }, live);
    set({ residency: 'parked' }, parked);
  });
  metrics.gauge('slotpilot_leases_owned', 'Task leases held by this instance', ['instance'], (set) =>
    set({ instance: host.instanceId }, host.owned().length),
  );
  metrics.gauge('slotpilot_outbox_backlog', 'Notifications waiting to be delivered', [], async (set) => {
    const rows = await orm.em
      .fork()
      .getConnection()
      .execute<{ n: string }[]>('select count(*) as n from outbox where sent_at is null and failed_at is null');
    set({}, Number(rows[0]?.n ?? 0));
  });
}

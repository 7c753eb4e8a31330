// What every tRPC call knows: the services it may use, the caller's raw credentials and language.

import type { MikroORM } from '@mikro-orm/postgresql';
import { type Language, resolveLanguage } from '@slotpilot/shared';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { BillingService } from '../accounts/billing-service.ts';
import type { CredentialService } from '../accounts/credential-service.ts';
import type { PreorderService } from '../accounts/preorder-service.ts';
import type { UserService } from '../accounts/user-service.ts';
import type { SlotFeed } from '../feed/slot-feed.ts';
import type { WarehouseDirectory } from '../feed/warehouse-directory.ts';
import type { InsightsService } from '../insights/insights-service.ts';
import type { PreorderCostsService } from '../insights/preorder-costs.ts';
import type { TaskService } from '../monitor/task-service.ts';
import type { TransitionLog } from '../monitor/transition-log.ts';
import type { Bus } from '../platform/kv/types.ts';
import type { InitDataVerifier } from './auth/init-data.ts';

export interface ApiServices {
  users: UserService;
  credentials: CredentialService;
  feed: SlotFeed;
  warehouses: WarehouseDirectory;
  tasks: TaskService;
  transitions: TransitionLog;
  bus: Bus;
  orm: MikroORM;
  /** Aborted when the server stops, so live streams end and the HTTP server can close. */
  shutdown: AbortSignal;
  initData: InitDataVerifier;
  adminIds: ReadonlySet<number>;
  /** Packs, Stars invoices and refunds. */
  billing: BillingService;
  /** The seller's WB preorders: the picker's list (cached per user) and creating one. */
  preorders: PreorderService;
  /** Calls per signed-in user (keyed by user id), shared by every instance; see `apiRateLimiter` in app.ts. */
  apiRateLimiter: RateLimiterAbstract;
  /** Slot history figures per warehouse and per cell (cached, with their own per-user limit). */
  insights: InsightsService;
  /** A preorder's estimated acceptance cost per date, read from the seller's portal (cached, bounded per account). */
  preorderCosts: PreorderCostsService;
  /** Notification delivery as the API sees it: whether the bot delivers at all, the test alert's limit, a wake-up. */
  alerts: {
    enabled: boolean;
    /** One test alert per user a minute, over every instance. */
    testLimiter: RateLimiterAbstract;
    /** Look for due outbox rows now rather than at the next idle tick (no-op without a bot). */
    nudge: () => void;
  };
}

export interface Context {
  services: ApiServices;
  logger: FastifyBaseLogger;
  reqId: string;
  /** `tma <initData>` from the Authorization header, or from SSE connection params (EventSource cannot send headers). */
  authorization: string | undefined;
  /** Best guess before the user is known; replaced by the user's own language once authenticated. */
  language: Language;
  /** The signed-in user, once `identify` ran: added to the access log line and to error lines. */
  userId: number | undefined;
  /** Record the signed-in user for this request's log lines (the access log included). */
  identify(userId: number): void;
}

/**
 * The signed-in user of each request, for the access log. Not a child logger per request: pino redacts a child's
 * bindings as it creates it, and two extra children per call were the largest allocation of an API request (issue 8).
 */
const signedInUsers = new WeakMap<FastifyRequest, number>();

export function signedInUserOf(req: FastifyRequest): number | undefined {
  return signedInUsers.get(req);
}

export function contextFactory(services: ApiServices) {
  return ({ req, info }: CreateFastifyContextOptions): Context => {
    const fromParams = info.connectionParams?.authorization;
    const context: Context = {
      services,
      logger: req.log,
      reqId: String(req.id),
      authorization: req.headers.authorization ?? (typeof fromParams === 'string' ? fromParams : undefined),
      language: resolveLanguage(req.headers['accept-language']),
      userId: undefined,
      identify(userId) {
        context.userId = userId;
        signedInUsers.set(req, userId);
      },
    };
    return context;
  };
}

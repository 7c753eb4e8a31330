// What every tRPC call knows: the services it may use, the caller's raw credentials and language.

import type { MikroORM } from '@mikro-orm/postgresql';
import { type Language, resolveLanguage } from '@slotpilot/shared';
import type { CreateFastifyContextOptions } from '@trpc/server/adapters/fastify';
import type { FastifyBaseLogger } from 'fastify';
import type { BillingService } from '../accounts/billing-service.ts';
import type { CredentialService } from '../accounts/credential-service.ts';
import type { UserService } from '../accounts/user-service.ts';
import type { SlotFeed } from '../feed/slot-feed.ts';
import type { WarehouseDirectory } from '../feed/warehouse-directory.ts';
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
}

export interface Context {
  services: ApiServices;
  logger: FastifyBaseLogger;
  reqId: string;
  /** `tma <initData>` from the Authorization header, or from SSE connection params (EventSource cannot send headers). */
  authorization: string | undefined;
  /** Best guess before the user is known; replaced by the user's own language once authenticated. */
  language: Language;
  /** Tag the rest of this request's log lines (the access log included) with the signed-in user. */
  identify(userId: number): void;
}

export function contextFactory(services: ApiServices) {
  return ({ req, info }: CreateFastifyContextOptions): Context => {
    const fromParams = info.connectionParams?.authorization;
    return {
      services,
      logger: req.log,
      reqId: String(req.id),
      authorization: req.headers.authorization ?? (typeof fromParams === 'string' ? fromParams : undefined),
      language: resolveLanguage(req.headers['accept-language']),
      identify(userId) {
        req.log = req.log.child({ userId });
      },
    };
  };
}

// Redis-backed shared state for several instances (ioredis). One connection for commands, one for subscriptions.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { isDependencyOutage, SharedStateUnavailableError } from '../outage.ts';
import { withTimeout } from '../with-timeout.ts';
import type {
  Bus,
  KeyValueCache,
  Leases,
  PublishOptions,
  RateLimiterOptions,
  SharedState,
  SubscribeOptions,
  Unsubscribe,
} from './types.ts';

/**
 * The longest any Redis command may take, queued while disconnected included (ioredis starts the timer when the command
 * is issued). Without it a command issued during an outage waits for the reconnects and retries: ~35 s (issue 14).
 */
export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

/** Redis failing to answer becomes one typed error the API turns into 503 UNAVAILABLE; other errors pass through. */
async function guarded<T>(operation: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isDependencyOutage(error)) throw new SharedStateUnavailableError(operation, { cause: error });
    throw error;
  }
}

// Acquire-or-renew and release must compare the owner and act in one step, or two instances could both win.
const ACQUIRE = `
local current = redis.call('GET', KEYS[1])
if (not current) or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

type LeaseCommands = {
  leaseAcquire(key: string, owner: string, ttlMs: number): Promise<number>;
  leaseRelease(key: string, owner: string): Promise<number>;
};

export class RedisCache implements KeyValueCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}
  async get(key: string) {
    return guarded('cache get', async () => (await this.redis.get(this.prefix + key)) ?? undefined);
  }
  async set(key: string, value: string, ttlMs: number) {
    await guarded('cache set', () => this.redis.set(this.prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs))));
  }
  async delete(key: string) {
    await guarded('cache delete', () => this.redis.del(this.prefix + key));
  }
}

/** Where an instance announces that it now listens on a channel, so publishers that skipped it (`ifHeard`) resume. */
const HEARD_CHANNEL = 'bus:heard';
/** A channel found unheard is published to again after this long at the latest (an announcement may be missed). */
const UNHEARD_RECHECK_MS = 2_000;

export class RedisBus implements Bus {
  private readonly handlers = new Map<string, Set<(message: unknown) => void>>();
  private readonly gapListeners = new Set<() => void>();
  /** Channels (with prefix) no instance received the latest publish on, and until when they are skipped. */
  private readonly unheard = new Map<string, number>();
  private listeningForHeard: Promise<unknown> | undefined;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, payload: string) => {
      const handlers = this.handlers.get(channel);
      if (!handlers) return;
      let message: unknown;
      try {
        message = JSON.parse(payload);
      } catch {
        this.logger.warn({ event: 'bus.bad_message', channel }, 'ignored a bus message that is not JSON');
        return;
      }
      for (const handler of handlers) handler(message);
    });
    // Messages published while the subscriber was away are lost. ioredis resubscribes when it is back; a PING answered
    // after that means the SUBSCRIBE commands have been served, so a stream that resyncs now misses nothing after it.
    let lost = false;
    subscriber.on('close', () => {
      lost = true;
    });
    subscriber.on('ready', () => {
      if (!lost) return;
      lost = false;
      subscriber
        .ping()
        .then(() => {
          for (const listener of [...this.gapListeners]) listener();
        })
        .catch(() => {
          lost = true;
        });
    });
  }

  async publish(channel: string, message: unknown, options?: PublishOptions) {
    const key = this.prefix + channel;
    if (!options?.ifHeard) {
      await guarded('publish', () => this.publisher.publish(key, JSON.stringify(message)));
      return;
    }
    // tasks:changed for 30,000 tasks with no Mini App open was ~380 messages a second to nobody (issue 19).
    this.listeningForHeard ??= this.subscribe(HEARD_CHANNEL, (channel) => this.unheard.delete(String(channel))).catch(() => {
      this.listeningForHeard = undefined;
    });
    await this.listeningForHeard;
    if ((this.unheard.get(key) ?? 0) > Date.now()) return;
    const receivers = await guarded('publish', () => this.publisher.publish(key, JSON.stringify(message)));
    if (receivers === 0) this.unheard.set(key, Date.now() + UNHEARD_RECHECK_MS);
    else this.unheard.delete(key);
  }

  async subscribe(channel: string, handler: (message: unknown) => void, options?: SubscribeOptions): Promise<Unsubscribe> {
    const key = this.prefix + channel;
    let set = this.handlers.get(key);
    if (!set) {
      set = new Set();
      this.handlers.set(key, set);
      try {
        await guarded('subscribe', () => this.subscriber.subscribe(key));
      } catch (error) {
        if (this.handlers.get(key) === set && set.size === 0) this.handlers.delete(key);
        throw error;
      }
      // Publishers skipping this channel for want of listeners start again now (best effort: they re-check anyway).
      if (channel !== HEARD_CHANNEL) await this.publisher.publish(this.prefix + HEARD_CHANNEL, JSON.stringify(key)).catch(() => undefined);
    }
    set.add(handler);
    const onGap = options?.onGap;
    if (onGap) this.gapListeners.add(onGap);
    return async () => {
      if (onGap) this.gapListeners.delete(onGap);
      set.delete(handler);
      if (set.size === 0 && this.handlers.get(key) === set) {
        this.handlers.delete(key);
        // Best effort: with Redis away the channel is dropped on reconnect anyway (nothing left to resubscribe).
        await this.subscriber.unsubscribe(key).catch(() => undefined);
      }
    };
  }
}

export class RedisLeases implements Leases {
  constructor(
    private readonly redis: Redis & LeaseCommands,
    private readonly prefix: string,
  ) {}
  async acquire(name: string, owner: string, ttlMs: number) {
    return guarded(
      'lease acquire',
      async () => (await this.redis.leaseAcquire(this.prefix + name, owner, Math.max(1, Math.round(ttlMs)))) === 1,
    );
  }
  async release(name: string, owner: string) {
    await guarded('lease release', () => this.redis.leaseRelease(this.prefix + name, owner));
  }
  async holder(name: string) {
    return guarded('lease holder', async () => (await this.redis.get(this.prefix + name)) ?? undefined);
  }
}

export interface RedisOptions {
  url: string;
  logger: Logger;
  /** Namespaces every key and channel, so tests (or two deployments) can share one Redis. */
  keyPrefix?: string;
  connectTimeoutMs?: number;
}

export async function createRedisSharedState(options: RedisOptions): Promise<SharedState> {
  const { url, logger } = options;
  const prefix = options.keyPrefix ?? 'sp:';
  const connect = () =>
    new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      connectTimeout: 5_000,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      // Keep trying forever, at most every 2 s: Redis coming back must heal the instance without a restart.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
  const commands = connect();
  const subscriber = connect();
  let healthy = true;
  for (const [role, client] of [
    ['commands', commands],
    ['subscriber', subscriber],
  ] as const) {
    client.on('error', (error) => {
      if (healthy) logger.warn({ event: 'redis.unavailable', role, error: error.message }, 'Redis connection lost; retrying');
      healthy = false;
    });
    client.on('ready', () => {
      if (!healthy) logger.info({ event: 'redis.recovered', role }, 'Redis connection is back');
      healthy = true;
    });
  }
  commands.defineCommand('leaseAcquire', { numberOfKeys: 1, lua: ACQUIRE });
  commands.defineCommand('leaseRelease', { numberOfKeys: 1, lua: RELEASE });
  try {
    await withTimeout(
      Promise.all([commands.connect(), subscriber.connect()]),
      options.connectTimeoutMs ?? 10_000,
      `Redis at ${redactUrl(url)} did not answer`,
    );
  } catch (error) {
    commands.disconnect();
    subscriber.disconnect();
    throw new Error(
      `Cannot connect to Redis at ${redactUrl(url)}: ${(error as Error).message}. Check REDIS_URL, or unset it to run single-instance in memory.`,
    );
  }
  return {
    mode: 'redis',
    cache: new RedisCache(commands, prefix),
    bus: new RedisBus(commands, subscriber, prefix, logger),
    leases: new RedisLeases(commands as Redis & LeaseCommands, prefix),
    createRateLimiter: ({ keyPrefix, points, durationS, localFallback }: RateLimiterOptions) =>
      // Fail closed when Redis is away (better no call than a call over WB's limit), unless asked to count locally.
      new RateLimiterRedis({
        storeClient: commands,
        keyPrefix: `${prefix}${keyPrefix}`,
        points,
        duration: durationS,
        rejectIfRedisNotReady: true,
        ...(localFallback ? { insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationS }) } : {}),
      }),
    async ping() {
      if (commands.status !== 'ready') throw new Error(`Redis is ${commands.status}`);
      await withTimeout(commands.ping(), 1_000, 'Redis did not answer PING in time');
    },
    async close() {
      await Promise.allSettled([commands.quit(), subscriber.quit()]);
      commands.disconnect();
      subscriber.disconnect();
    },
  };
}

/** A Redis URL may carry a password: never print it. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '[invalid url]';
  }
}

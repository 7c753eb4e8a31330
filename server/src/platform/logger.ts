// Structured JSON logs (pino). Secrets are removed twice: by field name (redact) and by value (scrub), so a token
// pasted into an error message or a URL still never reaches the log. Values are scrubbed before serialisation (log
// formatter, bindings, message arguments), never in the serialised line.
import { LRUCache } from 'lru-cache';
import pino, { type DestinationStream, type Logger } from 'pino';

const REDACTED_FIELDS = [
  'authorization',
  'cookie',
  'token',
  'apiToken',
  'secret',
  'password',
  'masterKey',
  'portalSession',
  'initData',
  'botToken',
  'ciphertext',
  'connectionParams',
];

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-telegram-bot-api-secret-token"]',
  ...REDACTED_FIELDS,
  ...REDACTED_FIELDS.map((f) => `*.${f}`),
  ...REDACTED_FIELDS.map((f) => `*.*.${f}`),
];

/** Real secrets are long; shorter strings would blank out ordinary words. */
const MIN_SECRET_LENGTH = 12;

/**
 * Values that must never be printed, whatever field they hide in: the process's own secrets (pinned) and the sellers'
 * credentials this process stored or decrypted (an LRU, so a flood of junk keys cannot grow it without bound; issue 14).
 * Matching is by a 12-character prefix index, so scrubbing a string costs its length, not the number of secrets.
 */
export class SecretScrubber {
  private readonly pinned = new Set<string>();
  private readonly recent: LRUCache<string, true>;
  private readonly byPrefix = new Map<string, Set<string>>();

  constructor(options: { capacity?: number } = {}) {
    this.recent = new LRUCache<string, true>({
      max: options.capacity ?? 10_000,
      dispose: (_value, secret) => {
        if (!this.pinned.has(secret)) this.unindex(secret);
      },
    });
  }

  /** A secret of this process (master key, bot token, database password): kept for the process's life. */
  pin(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH) return;
    this.pinned.add(secret);
    this.index(secret);
  }

  /** A credential stored or decrypted just now. Call only after it was validated and stored, never on raw input. */
  add(secret: string | undefined): void {
    if (!secret || secret.length < MIN_SECRET_LENGTH || this.pinned.has(secret)) return;
    this.recent.set(secret, true);
    this.index(secret);
  }

  get size(): number {
    return this.pinned.size + this.recent.size;
  }

  private index(secret: string): void {
    const prefix = secret.slice(0, MIN_SECRET_LENGTH);
    const set = this.byPrefix.get(prefix);
    if (set) set.add(secret);
    else this.byPrefix.set(prefix, new Set([secret]));
  }

  private unindex(secret: string): void {
    const prefix = secret.slice(0, MIN_SECRET_LENGTH);
    const set = this.byPrefix.get(prefix);
    set?.delete(secret);
    if (set?.size === 0) this.byPrefix.delete(prefix);
  }

  /** `text` with every known secret in it replaced by [REDACTED]. */
  scrub(text: string): string {
    if (text.length < MIN_SECRET_LENGTH || this.byPrefix.size === 0) return text;
    const found: string[] = [];
    for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; i++) {
      const candidates = this.byPrefix.get(text.slice(i, i + MIN_SECRET_LENGTH));
      if (!candidates) continue;
      for (const secret of candidates) if (text.startsWith(secret, i)) found.push(secret);
    }
    if (found.length === 0) return text;
    let out = text;
    // Longest first, so a secret that contains another is removed whole.
    for (const secret of found.sort((a, b) => b.length - a.length)) out = out.replaceAll(secret, '[REDACTED]');
    return out;
  }

  /**
   * `value` with secrets removed from every string inside it (objects and arrays copied only where something changed;
   * errors serialised first, so their message and stack are covered). Works on values, never on the serialised line, so
   * a "secret" that looks like JSON cannot break a line's JSON (issue 14).
   */
  scrubValue(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (value === null || typeof value !== 'object' || depth > 8 || this.byPrefix.size === 0) {
      return value instanceof Error ? serializeError(value) : value;
    }
    if (value instanceof Error) return this.scrubValue(serializeError(value), depth + 1);
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      value.forEach((item, i) => {
        const scrubbed = this.scrubValue(item, depth + 1);
        if (scrubbed === item) return;
        copy ??= [...value];
        copy[i] = scrubbed;
      });
      return copy ?? value;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return value;
    let copy: Record<string, unknown> | undefined;
    for (const [key, item] of Object.entries(value)) {
      const scrubbed = this.scrubValue(item, depth + 1);
      if (scrubbed === item) continue;
      copy ??= { ...(value as Record<string, unknown>) };
      copy[key] = scrubbed;
    }
    return copy ?? value;
  }
}

/** pino's error shape (type, message, stack, cause…) as a plain object, so scrubValue walks into it. */
const serializeError = (error: Error): Record<string, unknown> => ({ ...pino.stdSerializers.err(error) });

/** Query parameters that carry credentials (tRPC SSE sends its connection params in the URL). */
const SECRET_QUERY = /([?&](?:connectionParams|initData|token|secret)=)[^&#]*/gi;
export const scrubUrl = (url: string) => url.replace(SECRET_QUERY, '$1[REDACTED]');

export function createLogger(options: { level: string; scrubber: SecretScrubber; destination?: DestinationStream }): Logger {
  const { scrubber } = options;
  const errorSerializer = (value: unknown) => (value instanceof Error ? scrubber.scrubValue(value) : value);
  return pino(
    {
      level: options.level,
      base: { service: 'slotpilot', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      // Errors are serialised (and scrubbed) by the log formatter below; what reaches these is already plain.
      serializers: { err: errorSerializer, error: errorSerializer },
      formatters: {
        log: (object) => scrubber.scrubValue(object) as Record<string, unknown>,
        bindings: (bindings) => scrubber.scrubValue(bindings) as pino.Bindings,
      },
      hooks: {
        logMethod(args, method) {
          // `log.error(err)`: pino would take the message from the error unscrubbed; give it a scrubbed one.
          if (args.length === 1 && args[0] instanceof Error) args = [{ err: args[0] }, scrubber.scrub(args[0].message)] as typeof args;
          for (let i = 0; i < args.length; i++) if (typeof args[i] === 'string') args[i] = scrubber.scrub(args[i] as string);
          method.apply(this, args);
        },
      },
    },
    options.destination,
  );
}

// Structured JSON logs (pino). Secrets are removed twice: by field name (redact) and by value (scrub), so a token
// pasted into an error message or a URL still never reaches the log.
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

/** Values that must never be printed, whatever field they hide in. Add to it when a secret is decrypted or loaded. */
export class SecretScrubber {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Short strings would blank out ordinary words; real secrets are long.
    if (secret && secret.length >= 12) this.secrets.add(secret);
  }

  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.replaceAll(secret, '[REDACTED]');
    return out;
  }
}

/** Query parameters that carry credentials (tRPC SSE sends its connection params in the URL). */
const SECRET_QUERY = /([?&](?:connectionParams|initData|token|secret)=)[^&#]*/gi;
export const scrubUrl = (url: string) => url.replace(SECRET_QUERY, '$1[REDACTED]');

export function createLogger(options: { level: string; scrubber: SecretScrubber; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'slotpilot', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      hooks: { streamWrite: (line) => options.scrubber.scrub(line) },
    },
    options.destination,
  );
}

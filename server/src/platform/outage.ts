// Recognises "a dependency is down" (PostgreSQL or Redis unreachable, restarting, out of connections) in whatever
// shape the drivers throw it, so the API can answer 503 UNAVAILABLE instead of a 500 that looks like our bug.
import { ConnectionException } from '@mikro-orm/core';

/** Thrown by the Redis-backed shared state when Redis does not answer within a command's deadline. */
export class SharedStateUnavailableError extends Error {
  constructor(operation: string, options?: { cause?: unknown }) {
    super(`Redis is unavailable (${operation})`, options);
    this.name = 'SharedStateUnavailableError';
  }
}

// PostgreSQL SQLSTATEs: connection exceptions (class 08), too many connections, shutting down / starting up.
const PG_OUTAGE_STATES = /^(08...|53300|57P01|57P02|57P03)$/;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const OUTAGE_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Stream isn't writeable|Command timed out|Reached the max retries per request limit/i;

/** True when `error` (or anything in its cause chain) says PostgreSQL or Redis cannot be reached right now. */
export function isDependencyOutage(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (current instanceof SharedStateUnavailableError || current instanceof ConnectionException) return true;
    if (typeof current !== 'object') return false;
    const { code, name, message } = current as { code?: unknown; name?: unknown; message?: unknown };
    if (typeof code === 'string' && (PG_OUTAGE_STATES.test(code) || NETWORK_CODES.has(code))) return true;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && OUTAGE_MESSAGES.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

// Our error codes on top of tRPC's: one place maps each to a tRPC code and a message in the user's language.

import { type DomainError, type ErrorCode, errorMessage, type Language } from '@slotpilot/shared';
import { TRPCError } from '@trpc/server';
import type { TRPC_ERROR_CODE_KEY } from '@trpc/server/rpc';

const TRPC_CODES: Record<ErrorCode, TRPC_ERROR_CODE_KEY> = {
  AUTH_MISSING: 'UNAUTHORIZED',
  AUTH_INVALID: 'UNAUTHORIZED',
  AUTH_EXPIRED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  BAD_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  KEY_NOT_A_TOKEN: 'BAD_REQUEST',
  KEY_EXPIRED: 'BAD_REQUEST',
  KEY_TEST_TOKEN: 'BAD_REQUEST',
  KEY_WRONG_CATEGORY: 'BAD_REQUEST',
  KEY_REJECTED: 'BAD_REQUEST',
  KEY_BAD_SESSION: 'BAD_REQUEST',
  KEY_SESSION_REJECTED: 'BAD_REQUEST',
  KEY_SESSION_EMPTY: 'BAD_REQUEST',
  KEY_SESSION_TOO_LONG: 'BAD_REQUEST',
  KEY_SESSION_NO_TOKEN: 'BAD_REQUEST',
  KEY_SESSION_BAD_TOKEN: 'BAD_REQUEST',
  KEY_SESSION_NO_VALIDATION_KEY: 'BAD_REQUEST',
  KEY_SESSION_NO_SUPPLIER_ID: 'BAD_REQUEST',
  KEY_SESSION_EXPIRED: 'BAD_REQUEST',
  KEY_DUPLICATE: 'CONFLICT',
  KEY_LIMIT: 'FORBIDDEN',
  WB_BUSY: 'TOO_MANY_REQUESTS',
  WB_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  WB_DISABLED: 'SERVICE_UNAVAILABLE',
  NO_FEED_SOURCE: 'PRECONDITION_FAILED',
  UNKNOWN_WAREHOUSE: 'BAD_REQUEST',
  DATE_IN_PAST: 'BAD_REQUEST',
  RANGE_TOO_LONG: 'BAD_REQUEST',
  NO_PORTAL_SESSION: 'PRECONDITION_FAILED',
  PREORDER_REQUIRED: 'BAD_REQUEST',
  PREORDER_NOT_FOUND: 'BAD_REQUEST',
  PREORDER_WAREHOUSE_MISMATCH: 'BAD_REQUEST',
  PREORDER_ALREADY_PLANNED: 'CONFLICT',
  PREORDER_TASK_EXISTS: 'CONFLICT',
  PREORDER_GOODS_REJECTED: 'BAD_REQUEST',
  PREORDER_REFUSED: 'CONFLICT',
  PORTAL_NEEDS_SELLER: 'PRECONDITION_FAILED',
  NO_CREDITS: 'PAYMENT_REQUIRED',
  TASK_LIMIT: 'FORBIDDEN',
  TASK_FINISHED: 'CONFLICT',
  TASK_BUSY: 'SERVICE_UNAVAILABLE',
  PAYMENTS_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  UNKNOWN_PACK: 'BAD_REQUEST',
  PAYMENT_NOT_FOUND: 'NOT_FOUND',
  PAYMENT_ALREADY_REFUNDED: 'CONFLICT',
  REFUND_FAILED: 'BAD_GATEWAY',
  INSIGHTS_RATE_LIMITED: 'TOO_MANY_REQUESTS',
  PREORDER_COSTS_RATE_LIMITED: 'TOO_MANY_REQUESTS',
  INSIGHTS_DATE_OUT_OF_RANGE: 'BAD_REQUEST',
  TEST_ALERT_TOO_SOON: 'TOO_MANY_REQUESTS',
  ALERTS_OFF: 'PRECONDITION_FAILED',
  RATE_LIMITED: 'TOO_MANY_REQUESTS',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_SUPPORTED',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  REQUEST_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  INTERNAL: 'INTERNAL_SERVER_ERROR',
};

/** tRPC's message when a batch has more calls than `maxBatchSize` (a 400 it raises before any procedure runs). */
const BATCH_TOO_LARGE = 'Batch call exceeds maximum size';

/** Carries our code through tRPC to the error formatter. */
export class AppErrorCause extends Error {
  constructor(readonly appCode: ErrorCode) {
    super(appCode);
    this.name = 'AppErrorCause';
  }
}

export function appError(code: ErrorCode, language: Language, message = errorMessage(code, language)): TRPCError {
  return new TRPCError({ code: TRPC_CODES[code], message, cause: new AppErrorCause(code) });
}

/** A service's DomainError, in the caller's language. */
export function fromDomainError(error: DomainError, language: Language): TRPCError {
  return appError(error.code, language, errorMessage(error.code, language, error.vars));
}

/** The stable code a client switches on, for any error the API returns. */
export function appCodeOf(error: TRPCError): ErrorCode {
  if (error.cause instanceof AppErrorCause) return error.cause.appCode;
  switch (error.code) {
    case 'BAD_REQUEST':
      return error.message === BATCH_TOO_LARGE ? 'REQUEST_TOO_LARGE' : 'BAD_INPUT';
    case 'PARSE_ERROR':
      return 'BAD_INPUT';
    case 'METHOD_NOT_SUPPORTED':
      return 'METHOD_NOT_ALLOWED';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 'PAYLOAD_TOO_LARGE':
      return 'REQUEST_TOO_LARGE';
    case 'TOO_MANY_REQUESTS':
      return 'RATE_LIMITED';
    case 'SERVICE_UNAVAILABLE':
      return 'UNAVAILABLE';
    case 'UNAUTHORIZED':
      return 'AUTH_INVALID';
    case 'FORBIDDEN':
      return 'FORBIDDEN';
    case 'NOT_FOUND':
      return 'NOT_FOUND';
    default:
      return 'INTERNAL';
  }
}

// The typed API client. Types come from the server's router; nothing is re-declared here.

import type { AppRouter } from '@slotpilot/server/router';
import { type ErrorCode, errorMessage, isErrorCode, type Language } from '@slotpilot/shared';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(initData: string) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: '/trpc', headers: () => ({ authorization: `tma ${initData}` }) })],
  });
}

/** Our stable error code for anything the API call threw. */
export function apiErrorCode(error: unknown): ErrorCode | 'NETWORK' {
  if (error instanceof TRPCClientError) {
    const code = (error.data as { appCode?: unknown } | undefined)?.appCode;
    if (isErrorCode(code)) return code;
    return error.data ? 'INTERNAL' : 'NETWORK';
  }
  return 'NETWORK';
}

/** The message to show: the server already speaks the user's language; fall back to our own catalogue. */
export function apiErrorMessage(error: unknown, language: Language, networkMessage: string): string {
  const code = apiErrorCode(error);
  if (code === 'NETWORK') return networkMessage;
  return error instanceof TRPCClientError && error.message ? error.message : errorMessage(code, language);
}

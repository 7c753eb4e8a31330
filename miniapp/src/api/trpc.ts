// The typed API client. Types come from the server's router; nothing is re-declared here.

import type { AppRouter } from '@slotpilot/server/router';
import { type ErrorCode, errorMessage, isErrorCode, type Language } from '@slotpilot/shared';
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink, TRPCClientError } from '@trpc/client';

export type ApiClient = ReturnType<typeof createApiClient>;

export function createApiClient(initData: string) {
  const authorization = `tma ${initData}`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        // EventSource cannot send headers: live streams carry the init data as connection params (TOOLCHAIN.md).
        true: httpSubscriptionLink({ url: '/trpc', connectionParams: () => ({ authorization }) }),
        false: httpBatchLink({ url: '/trpc', headers: () => ({ authorization }) }),
      }),
    ],
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

/** Field-level problems of a BAD_INPUT answer (zod issues, as the server formats them). */
export function apiErrorIssues(error: unknown): Array<{ path: string; message: string }> {
  if (!(error instanceof TRPCClientError)) return [];
  const issues = (error.data as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as Array<{ path: string; message: string }>) : [];
}

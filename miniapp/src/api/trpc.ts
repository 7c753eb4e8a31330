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
        // The server refuses batches of more than 10 calls (issue 14): larger ones are split here.
        false: httpBatchLink({ url: '/trpc', maxItems: 10, headers: () => ({ authorization }) }),
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

/**
 * The message to show, never a raw server text in another language: the server writes in the Telegram profile's language
 * (`serverLanguage`), with the values the message needs filled in, so its text is used when that is the language shown.
 * Otherwise (the seller picked another language in Settings) our own catalogue speaks for the code; only a message whose
 * template needs values we do not have keeps the server's words.
 */
export function apiErrorMessage(error: unknown, language: Language, networkMessage: string, serverLanguage: Language = language): string {
  const code = apiErrorCode(error);
  if (code === 'NETWORK') return networkMessage;
  const serverText = error instanceof TRPCClientError && error.message && apiErrorCode(error) === code ? error.message : null;
  if (serverText && serverLanguage === language) return serverText;
  const own = errorMessage(code, language);
  return /\{\w+\}/.test(own) && serverText ? serverText : own;
}

/** Field-level problems of a BAD_INPUT answer (zod issues, as the server formats them). */
export function apiErrorIssues(error: unknown): Array<{ path: string; message: string }> {
  if (!(error instanceof TRPCClientError)) return [];
  const issues = (error.data as { issues?: unknown } | undefined)?.issues;
  return Array.isArray(issues) ? (issues as Array<{ path: string; message: string }>) : [];
}

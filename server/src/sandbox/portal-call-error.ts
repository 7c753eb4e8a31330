// A refusal the portal answers as a JSON-RPC error (HTTP 200). Codes and the wording of business refusals are the shared
// table's (endpoints.ts), so the client matches exactly what the sandbox says.
import { PORTAL_ERROR_CODES, PORTAL_REFUSALS } from '../wb/endpoints.ts';

export type PortalErrorKind = keyof typeof PORTAL_ERROR_CODES;
export type PortalRefusal = keyof typeof PORTAL_REFUSALS;

export class PortalCallError extends Error {
  constructor(
    readonly kind: PortalErrorKind,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }

  get code(): number {
    return PORTAL_ERROR_CODES[this.kind];
  }

  /** A business refusal: −32000 with the portal's own wording; `data` says which object or figure. */
  static refused(reason: PortalRefusal, data?: Record<string, unknown>): PortalCallError {
    return new PortalCallError('refused', PORTAL_REFUSALS[reason], data);
  }

  /** Bad params (−32602); the message is the sandbox's own, in English, for whoever debugs the client. */
  static badParams(message: string, data?: Record<string, unknown>): PortalCallError {
    return new PortalCallError('badParams', message, data);
  }
}

// A refusal the portal answers as a JSON-RPC error (HTTP 200); the code names are the shared table's.
import { PORTAL_ERROR_CODES } from '../wb/endpoints.ts';

export type PortalErrorName = keyof typeof PORTAL_ERROR_CODES;

export class PortalCallError extends Error {
  constructor(
    readonly kind: PortalErrorName,
    message: string,
    readonly data?: Record<string, unknown>,
  ) {
    super(message);
  }

  get code(): number {
    return PORTAL_ERROR_CODES[this.kind];
  }
}

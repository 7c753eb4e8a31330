// WB API tokens are JWTs whose payload is readable without the signature: the seller (`sid`), expiry and categories.
import { z } from 'zod';

/** Category bits of the `s` claim (WB-API.md): bit n set → category allowed. */
export const TOKEN_CATEGORY_BITS = { content: 1, analytics: 2, marketplace: 4, statistics: 5, supplies: 10, readOnly: 30 } as const;

const Payload = z.object({
  sid: z.string().min(1),
  id: z.string().optional(),
  exp: z.number().int(),
  acc: z.number().int().optional(),
  s: z.number().int().optional(),
});

export interface WbTokenInfo {
  sid: string;
  tokenId: string | undefined;
  expiresAt: Date;
  /** 1 basic, 2 test, 3 personal, 4 service. */
  accessType: number | undefined;
  categories: number;
}

export type TokenProblem = 'not_a_token' | 'expired' | 'test_token' | 'no_supplies_category';

export function hasCategory(categories: number, bit: number): boolean {
  return (categories & (1 << bit)) !== 0;
}

/** Read a token's claims; `undefined` when the string is not a JWT with the claims WB puts in its tokens. */
export function decodeWbToken(token: string): WbTokenInfo | undefined {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[0]?.startsWith('eyJ')) return undefined;
  try {
    const payload = Payload.safeParse(JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')));
    if (!payload.success) return undefined;
    const { sid, id, exp, acc, s } = payload.data;
    return { sid, tokenId: id, expiresAt: new Date(exp * 1000), accessType: acc, categories: s ?? 0 };
  } catch {
    return undefined;
  }
}

/** What stops this token from serving SlotPilot (coefficients and warehouses need the "supplies" category). */
export function tokenProblem(token: string, now = new Date()): TokenProblem | undefined {
  const info = decodeWbToken(token);
  if (!info) return 'not_a_token';
  if (info.expiresAt <= now) return 'expired';
  if (info.accessType === 2) return 'test_token';
  if (!hasCategory(info.categories, TOKEN_CATEGORY_BITS.supplies)) return 'no_supplies_category';
  return undefined;
}

/** Build a JWT-shaped token (unsigned: WB's signature is WB's business). Used by the sandbox and tests. */
export function encodeWbToken(claims: { sid: string; id: string; exp: number; acc?: number; s: number }): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'ES256', typ: 'JWT', kid: 'sandbox' })}.${part(claims)}.${Buffer.from(claims.id).toString('base64url')}`;
}

/** Portal sessions: the key format lives in @slotpilot/shared, so the Mini App checks a paste exactly as the server does. */
export { formatPortalSession, type PortalSession, parsePortalSession, parsePortalSessionInput } from '@slotpilot/shared';

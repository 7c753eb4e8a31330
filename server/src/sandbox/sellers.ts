// Sellers the sandbox has made, and the credentials it issued to them: API tokens (JWT-shaped, keyed by `sid`), portal
// sessions (a browser's Cookie header around a JWT-shaped WBTokenV3) and the short-lived `wb-seller-lk` tokens minted
// from a session. Only issued credentials are valid, as at WB.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { type PortalSession, parsePortalSession } from '@slotpilot/shared';
import { decodeWbToken, encodeWbToken, TOKEN_CATEGORY_BITS, type WbTokenInfo } from '../wb/token.ts';

export interface TokenOptions {
  /** Seconds from now; negative makes an already expired token. Default: 180 days, as WB's. */
  expiresInS?: number;
  /** The `s` claim (category bitmask). Default: supplies only. */
  categories?: number;
  /** The `acc` claim: 1 basic, 2 test, 3 personal (default), 4 service. */
  accessType?: number;
}

export interface Size {
  chrtID: number;
  sizeName: string;
  barcode: string;
}

export interface Product {
  nmID: number;
  vendorCode: string;
  sizes: Size[];
}

export interface StockRow {
  nmID: number;
  chrtID: number;
  sizeName: string;
  officeID: number;
  count: number;
}

export interface Seller {
  sid: string;
  name: string;
  tin: string;
  tradeMark: string;
  /** Masked, as WB shows it in supply lists. */
  phone: string;
  /** plan/add and transfer/order answer "captcha required" (−32002) to this seller, whatever is sent. */
  captcha: boolean;
  session: PortalSession;
  /** The browser cookie the portal sets before sign-in; only there so the issued Cookie header looks like a real one. */
  browserId: string;
  /** How long a `wb-seller-lk` minted for this seller lives. */
  lkTtlMs: number;
  /** Epoch ms after which the portal session is refused; undefined = never. */
  sessionExpiresAt: number | undefined;
  products: Product[];
  /** Keyed by `${chrtID}|${officeID}`. */
  stock: Map<string, StockRow>;
  createdAt: number;
}

export const DEFAULT_TOKEN_CATEGORIES = 1 << TOKEN_CATEGORY_BITS.supplies;
export const TOKEN_LIFETIME_S = 180 * 24 * 60 * 60;

export const stockKey = (chrtID: number, officeID: number) => `${chrtID}|${officeID}`;

/** Why a `wb-seller-lk` was refused (the answer is the same for all: only the sandbox's log tells them apart). */
export type LkProblem = 'missing' | 'unknown' | 'expired' | 'other_seller';

export class SellerRegistry {
  private readonly sellers = new Map<string, Seller>();
  private readonly tokens = new Map<string, string>();
  private readonly sessions = new Map<string, string>();
  /** Minted `wb-seller-lk` tokens: token → owner and expiry (epoch ms). Expired ones are dropped at the next mint. */
  private readonly lkTokens = new Map<string, { sid: string; expiresAt: number }>();

  constructor(private readonly clock: () => number) {}

  add(seller: Omit<Seller, 'sid' | 'session' | 'browserId' | 'createdAt'>): Seller {
    const sid = randomUUID();
    const now = this.clock();
    const validationKey = randomBytes(16).toString('hex');
    const full: Seller = {
      ...seller,
      sid,
      createdAt: now,
      session: { token: passportToken(validationKey, now), validationKey, supplierId: sid },
      // `_wbauid` as browsers carry it: ten digits of visitor id, then the visit's epoch seconds.
      browserId: `${randomInt(1_000_000_000, 9_999_999_999)}${Math.floor(now / 1000)}`,
    };
    this.sellers.set(sid, full);
    this.sessions.set(full.session.token, sid);
    return full;
  }

  get(sid: string): Seller | undefined {
    return this.sellers.get(sid);
  }

  all(): Seller[] {
    return [...this.sellers.values()];
  }

  issueToken(sid: string, options: TokenOptions = {}): string {
    if (!this.sellers.has(sid)) throw new Error(`unknown seller ${sid}`);
    const token = encodeWbToken({
      sid,
      id: randomUUID(),
      exp: Math.floor(this.clock() / 1000) + (options.expiresInS ?? TOKEN_LIFETIME_S),
      acc: options.accessType ?? 3,
      s: options.categories ?? DEFAULT_TOKEN_CATEGORIES,
    });
    this.tokens.set(token, sid);
    return token;
  }

  /** The seller and claims behind an issued token (expiry is the caller's check: it answers differently). */
  byToken(token: string): { seller: Seller; info: WbTokenInfo } | undefined {
    const sid = this.tokens.get(token);
    const seller = sid === undefined ? undefined : this.sellers.get(sid);
    const info = decodeWbToken(token);
    return seller && info ? { seller, info } : undefined;
  }

  /** The seller whose portal session this is: the three cookies the portal checks must match what was issued (others,
   * such as `_wbauid`, may come and go as in a browser), and so must `authorizev3`. Read with the shared key parser, so
   * what the sandbox issues is exactly what a seller's paste must look like. */
  bySession(cookieHeader: string | undefined, authorizev3: string | undefined): Seller | undefined {
    if (!cookieHeader || !authorizev3) return undefined;
    const session = parsePortalSession(cookieHeader);
    if (!session || session.token !== authorizev3.trim()) return undefined;
    const sid = this.sessions.get(session.token);
    const seller = sid === undefined ? undefined : this.sellers.get(sid);
    if (!seller) return undefined;
    if (seller.session.validationKey !== session.validationKey || seller.session.supplierId !== session.supplierId) return undefined;
    if (seller.sessionExpiresAt !== undefined && seller.sessionExpiresAt <= this.clock()) return undefined;
    return seller;
  }

  /** The Cookie header a browser signed in as this seller sends (the key a seller pastes). */
  portalSession(seller: Seller): string {
    const { token, validationKey, supplierId } = seller.session;
    return `_wbauid=${seller.browserId}; WBTokenV3=${token}; wbx-validation-key=${validationKey}; x-supplier-id=${supplierId}; external-locale=ru`;
  }

  /** `auth/token`: a fresh `wb-seller-lk` for this seller, living `lkTtlMs`. */
  mintLkToken(seller: Seller): { token: string; expiresAt: number } {
    const now = this.clock();
    for (const [token, issued] of this.lkTokens) if (issued.expiresAt <= now) this.lkTokens.delete(token);
    const expiresAt = now + seller.lkTtlMs;
    const token = jwt({
      iat: Math.floor(now / 1000),
      exp: Math.floor(expiresAt / 1000),
      jti: randomUUID(),
      data: { supplierId: seller.sid, client_id: 'seller-portal' },
    });
    this.lkTokens.set(token, { sid: seller.sid, expiresAt });
    return { token, expiresAt };
  }

  /** Why this `wb-seller-lk` does not serve this seller now, or undefined when it does. */
  lkProblem(seller: Seller, token: string | undefined): LkProblem | undefined {
    if (!token) return 'missing';
    const issued = this.lkTokens.get(token.trim());
    if (!issued) return 'unknown';
    if (issued.sid !== seller.sid) return 'other_seller';
    if (issued.expiresAt <= this.clock()) return 'expired';
    return undefined;
  }

  clear(): void {
    this.sellers.clear();
    this.tokens.clear();
    this.sessions.clear();
    this.lkTokens.clear();
  }
}

/** A WBTokenV3 shaped like WB passport's (claims as public 2026 captures show them; unsigned: the signature is WB's). */
function passportToken(validationKey: string, now: number): string {
  return jwt({
    iat: Math.floor(now / 1000),
    version: 2,
    user: String(randomInt(10_000_000, 999_999_999)),
    client_id: 'seller-portal',
    session_id: randomBytes(16).toString('hex'),
    validation_key: validationKey,
  });
}

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'HS512', typ: 'JWT' })}.${part(claims)}.${randomBytes(32).toString('base64url')}`;
}

// Sellers the sandbox has made, and the credentials it issued to them: API tokens (JWT-shaped, keyed by `sid`) and
// portal sessions (cookie strings). Only issued credentials are valid, as at WB.
import { randomBytes, randomUUID } from 'node:crypto';
import {
  decodeWbToken,
  encodeWbToken,
  formatPortalSession,
  type PortalSession,
  parsePortalSession,
  TOKEN_CATEGORY_BITS,
  type WbTokenInfo,
} from '../wb/token.ts';

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
  /** plan/add demands an `x-wb-captcha-token` from this seller. */
  captcha: boolean;
  session: PortalSession;
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

export class SellerRegistry {
  private readonly sellers = new Map<string, Seller>();
  private readonly tokens = new Map<string, string>();
  private readonly sessions = new Map<string, string>();

  constructor(private readonly clock: () => number) {}

  add(seller: Omit<Seller, 'sid' | 'session' | 'createdAt'>): Seller {
    const sid = randomUUID();
    const full: Seller = {
      ...seller,
      sid,
      createdAt: this.clock(),
      session: { token: randomBytes(48).toString('base64url'), validationKey: randomBytes(16).toString('hex'), supplierId: sid },
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

  /** The seller whose portal session this is: every cookie must match what was issued, and so must `authorizev3`. */
  bySession(cookieHeader: string | undefined, authorizev3: string | undefined): Seller | undefined {
    if (!cookieHeader || !authorizev3) return undefined;
    const session = parsePortalSession(cookieHeader);
    if (!session || session.token !== authorizev3) return undefined;
    const sid = this.sessions.get(session.token);
    const seller = sid === undefined ? undefined : this.sellers.get(sid);
    if (!seller) return undefined;
    if (seller.session.validationKey !== session.validationKey || seller.session.supplierId !== session.supplierId) return undefined;
    if (seller.sessionExpiresAt !== undefined && seller.sessionExpiresAt <= this.clock()) return undefined;
    return seller;
  }

  portalSession(seller: Seller): string {
    return formatPortalSession(seller.session);
  }

  clear(): void {
    this.sellers.clear();
    this.tokens.clear();
    this.sessions.clear();
  }
}

// Telegram Mini App authentication: `Authorization: tma <initData>` signed by our bot's token.

import type { ErrorCode } from '@slotpilot/shared';
import { hashToken, sign, validate } from '@telegram-apps/init-data-node';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { TelegramIdentity } from '../../accounts/telegram-identity.ts';

/** Telegram's own advice: do not trust init data older than a day. */
export const INIT_DATA_MAX_AGE_S = 24 * 60 * 60;

/** How many verified init data strings to remember: about one per user active in the last day on this instance. */
const VERIFIED_CACHE_SIZE = 10_000;

interface Verified {
  identity: TelegramIdentity;
  /** Epoch ms after which this init data is refused, as the library would: auth_date + INIT_DATA_MAX_AGE_S. */
  expiresAt: number;
}

export type InitDataResult =
  | { ok: true; identity: TelegramIdentity; initData: string }
  | { ok: false; code: Extract<ErrorCode, 'AUTH_MISSING' | 'AUTH_INVALID' | 'AUTH_EXPIRED'>; languageHint?: string };

// The user field of init data (Telegram sends snake_case JSON).
const InitDataUser = z.object({
  id: z.number().int().positive(),
  first_name: z.string(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

function userOf(initData: string) {
  try {
    const raw = new URLSearchParams(initData).get('user');
    const parsed = InitDataUser.safeParse(raw ? JSON.parse(raw) : undefined);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** auth_date in epoch ms, read the way the library reads it (the last `auth_date` wins, parseInt). */
function authDateOf(initData: string): number | undefined {
  const values = new URLSearchParams(initData).getAll('auth_date');
  const seconds = Number.parseInt(values[values.length - 1] ?? '', 10);
  return Number.isNaN(seconds) ? undefined : seconds * 1000;
}

/** The raw init data from an `Authorization` header value (`tma <initData>`), if there is one. */
export function initDataFromHeader(header: string | undefined): string | undefined {
  const match = header?.match(/^tma\s+(\S+)\s*$/i);
  return match?.[1];
}

export class InitDataVerifier {
  /** HMAC-SHA256 of the token keyed "WebAppData" (hex): the same for every request, so computed once, not per call. */
  private readonly hashedToken: string;
  /**
   * The Mini App sends the same init data with every call for as long as it is open, so a string that passed the HMAC
   * check once is remembered by its exact text (any edit is a different key). Only verified data goes in.
   */
  private readonly verified = new LRUCache<string, Verified>({ max: VERIFIED_CACHE_SIZE });

  constructor(private readonly botToken: string) {
    this.hashedToken = hashToken(botToken).toString('hex');
  }

  verify(header: string | undefined): InitDataResult {
    const initData = initDataFromHeader(header);
    if (!initData) return { ok: false, code: 'AUTH_MISSING' };
    const known = this.verified.get(initData);
    if (known) {
      // Same comparison as the library: expired once the deadline is strictly in the past.
      if (known.expiresAt < Date.now()) {
        this.verified.delete(initData);
        return { ok: false, code: 'AUTH_EXPIRED', languageHint: known.identity.languageCode };
      }
      return { ok: true, initData, identity: known.identity };
    }
    const user = userOf(initData);
    const languageHint = user?.language_code;
    try {
      validate(initData, this.hashedToken, { expiresIn: INIT_DATA_MAX_AGE_S, tokenHashed: true });
    } catch (error) {
      const expired = (error as Error).name === 'ExpiredError';
      return { ok: false, code: expired ? 'AUTH_EXPIRED' : 'AUTH_INVALID', languageHint };
    }
    if (!user) return { ok: false, code: 'AUTH_INVALID', languageHint };
    const identity: TelegramIdentity = {
      id: user.id,
      firstName: user.first_name,
      lastName: user.last_name,
      username: user.username,
      languageCode: user.language_code,
    };
    const authDate = authDateOf(initData);
    // validate() has already refused data without a readable auth_date; the check only satisfies the type.
    if (authDate !== undefined) this.verified.set(initData, { identity, expiresAt: authDate + INIT_DATA_MAX_AGE_S * 1000 });
    return { ok: true, initData, identity };
  }

  /** Real signed init data for a user: the development login and tests use it instead of Telegram. */
  sign(identity: TelegramIdentity, authDate = new Date()): string {
    return sign(
      {
        user: {
          id: identity.id,
          first_name: identity.firstName,
          ...(identity.lastName ? { last_name: identity.lastName } : {}),
          ...(identity.username ? { username: identity.username } : {}),
          ...(identity.languageCode ? { language_code: identity.languageCode } : {}),
          allows_write_to_pm: true,
        },
        chat_type: 'sender',
        chat_instance: String(identity.id),
      },
      this.botToken,
      authDate,
    );
  }
}

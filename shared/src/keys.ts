// The Keys screen's contract: what a seller sends to add a WB credential, and what they see afterwards.
import { z } from 'zod';
import { CREDENTIAL_KINDS } from './domain.ts';
import type { ErrorCode } from './errors.ts';
import type { Language } from './language.ts';
import { PORTAL_SESSION_MAX_LENGTH, type PortalSessionProblem } from './portal-session.ts';
import { safeName } from './validation.ts';

export const MAX_KEYS_PER_KIND = 5;

export const AddKeyInput = z.object({
  kind: z.enum(CREDENTIAL_KINDS),
  name: safeName(64),
  // A "Copy as cURL" paste of a portal request is longer than any API token: the portal session parser bounds it.
  secret: z.string().trim().min(1, 'paste the key').max(PORTAL_SESSION_MAX_LENGTH, 'too long for a WB key'),
  /** Consent to let the shared slot feed read WB with this key (SHARE_FEED_EXPLANATION). Off unless the seller says so. */
  shareFeed: z.boolean().default(false),
});
export type AddKeyInput = z.input<typeof AddKeyInput>;

/**
 * The one sentence shown next to the "share" switch when a key is added (every kind). Sharing lets the feed read WB's
 * coefficient report with this key, at most once a minute per seller account; only coefficients are shared.
 */
export const SHARE_FEED_EXPLANATION: Record<Language, string> = {
  ru:
    'Разрешить SlotPilot использовать этот ключ для общей ленты слотов: он будет читать коэффициенты WB не чаще раза в минуту, ' +
    'и их увидят задачи других продавцов. Ваши поставки и данные никто не увидит.',
  en:
    "Let SlotPilot use this key for the shared slot feed: it will read WB's coefficients at most once a minute, and other " +
    "sellers' tasks will see them. Nobody will see your supplies or your data.",
};

/**
 * Where a seller finds the portal session in a desktop browser, step by step: what the Keys screen shows above the paste
 * box. The server and the Mini App accept the same two forms (parsePortalSessionInput).
 */
export const PORTAL_SESSION_HOWTO: Record<Language, string> = {
  ru:
    '1. Откройте seller.wildberries.ru в браузере на компьютере и войдите в кабинет. ' +
    '2. Нажмите F12 (Chrome, Edge, Firefox, Яндекс Браузер) и откройте вкладку «Network» («Сеть»), затем обновите страницу. ' +
    '3. Выберите любой запрос к seller.wildberries.ru или seller-supply.wildberries.ru. ' +
    '4. Правой кнопкой: Copy → «Copy as cURL (bash)» — и вставьте сюда целиком. ' +
    'Или скопируйте из «Request Headers» значение заголовка «Cookie»: в нём должны быть WBTokenV3, wbx-validation-key и x-supplier-id. ' +
    'Сессия живёт, пока вы не выйдете из кабинета; после выхода её нужно скопировать заново.',
  en:
    '1. Open seller.wildberries.ru in a desktop browser and sign in. ' +
    '2. Press F12 (Chrome, Edge, Firefox) and open the "Network" tab, then reload the page. ' +
    '3. Pick any request to seller.wildberries.ru or seller-supply.wildberries.ru. ' +
    '4. Right-click it: Copy → "Copy as cURL (bash)", and paste it here whole. ' +
    'Or copy the value of the "Cookie" header under "Request Headers": it must contain WBTokenV3, wbx-validation-key and x-supplier-id. ' +
    'The session lasts until you sign out of the portal; after that, copy it again.',
};

/** The error each problem of a pasted portal session is answered with: the Mini App shows the same text before sending. */
export const PORTAL_SESSION_PROBLEM_CODES = {
  empty: 'KEY_SESSION_EMPTY',
  too_long: 'KEY_SESSION_TOO_LONG',
  no_token: 'KEY_SESSION_NO_TOKEN',
  bad_token: 'KEY_SESSION_BAD_TOKEN',
  no_validation_key: 'KEY_SESSION_NO_VALIDATION_KEY',
  no_supplier_id: 'KEY_SESSION_NO_SUPPLIER_ID',
  expired: 'KEY_SESSION_EXPIRED',
} as const satisfies Record<PortalSessionProblem, ErrorCode>;

export interface KeySummary {
  id: string;
  kind: (typeof CREDENTIAL_KINDS)[number];
  name: string;
  sellerName: string | null;
  hint: string;
  valid: boolean;
  shareFeed: boolean;
  expiresAt: string | null;
  lastUsedAt: string | null;
  lastError: string | null;
  createdAt: string;
}

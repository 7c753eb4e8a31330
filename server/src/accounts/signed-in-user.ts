// Who an API call is made by: what the tRPC procedures need, without an ORM entity behind it.
import type { Language } from '@slotpilot/shared';

export interface SignedInUser {
  /** The Telegram user id (also the users table's primary key). */
  id: number;
  firstName: string;
  lastName: string | null;
  username: string | null;
  /** What we speak to the user, resolved from their Telegram `language_code`. */
  language: Language;
}

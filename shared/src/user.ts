// What the API tells a signed-in user about themselves (`me.get`).
import { z } from 'zod';
import { LANGUAGES } from './language.ts';

export const MeSchema = z.object({
  id: z.number().int(),
  firstName: z.string(),
  lastName: z.string().nullable(),
  username: z.string().nullable(),
  language: z.enum(LANGUAGES),
  /** The language the user chose (here or with the bot's /language); null: they follow their Telegram profile. */
  chosenLanguage: z.enum(LANGUAGES).nullable(),
  isAdmin: z.boolean(),
  credits: z.object({ trial: z.number().int().nonnegative(), paid: z.number().int().nonnegative() }),
});
export type Me = z.infer<typeof MeSchema>;

/** Where a test alert (`me.sendTestAlert`) is: still on its way, in the chat, refused by Telegram (the bot may not
 * write to the user: blocked, or never allowed), or given up for another reason. */
export const TEST_ALERT_STATES = ['pending', 'sent', 'unreachable', 'failed'] as const;
export type TestAlertState = (typeof TEST_ALERT_STATES)[number];

export const TestAlertId = z.object({ id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

// What the API tells a signed-in user about themselves (`me.get`).
import { z } from 'zod';
import { LANGUAGES } from './language.ts';

export const MeSchema = z.object({
  id: z.number().int(),
  firstName: z.string(),
  lastName: z.string().nullable(),
  username: z.string().nullable(),
  language: z.enum(LANGUAGES),
  isAdmin: z.boolean(),
  credits: z.object({ trial: z.number().int().nonnegative(), paid: z.number().int().nonnegative() }),
});
export type Me = z.infer<typeof MeSchema>;

// A Telegram user who opened the Mini App or the bot. The primary key is the Telegram user id.
import { defineEntity, p } from '@mikro-orm/core';
import { LANGUAGES, TRIAL_CREDITS } from '@slotpilot/shared';

const UserSchema = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.bigint('number').primary().autoincrement(false),
    username: p.string().nullable(),
    firstName: p.string(),
    lastName: p.string().nullable(),
    /** Telegram's raw `language_code`, kept for analytics; `language` is what we speak to the user. */
    languageCode: p.string().length(35).nullable(),
    language: p.enum(LANGUAGES).default('ru'),
    /** The language the user chose (/language in the bot); when set, `language` is this whatever the profile says. */
    chosenLanguage: p.enum(LANGUAGES).nullable(),
    /** False once the user blocked the bot: notifications stop until they come back. */
    active: p.boolean().default(true),
    trialCredits: p.integer().default(TRIAL_CREDITS),
    paidCredits: p.integer().default(0),
    createdAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
    lastSeenAt: p
      .datetime()
      .defaultRaw('now()')
      .onCreate(() => new Date()),
  },
});

export class User extends UserSchema.class {}
UserSchema.setClass(User);

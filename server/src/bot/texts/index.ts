import type { Language } from '@slotpilot/shared';
import { en } from './en.ts';
import { ru, type Texts } from './ru.ts';

export type { Texts };

export function textsFor(language: Language): Texts {
  return language === 'en' ? en : ru;
}

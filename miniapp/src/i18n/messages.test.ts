import { SHARE_FEED_EXPLANATION } from '@slotpilot/shared';
import { describe, expect, it } from 'vitest';
import { MESSAGES, translate } from './messages.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('has every Russian text in English too, and no empty ones', () => {
    expect(Object.keys(MESSAGES.en).sort()).toEqual(Object.keys(MESSAGES.ru).sort());
    for (const language of ['ru', 'en'] as const) for (const text of Object.values(MESSAGES[language])) expect(text.trim()).not.toBe('');
  });

  it('uses the same placeholders in both languages', () => {
    for (const [key, text] of Object.entries(MESSAGES.ru)) {
      expect({ key, vars: placeholders(MESSAGES.en[key as keyof typeof MESSAGES.en]) }).toEqual({ key, vars: placeholders(text) });
    }
  });

  it('fills in placeholders and keeps unknown ones visible', () => {
    expect(translate('ru', 'app.greeting', { name: 'Анна' })).toBe('Привет, Анна!');
    expect(translate('en', 'credits.trial', { count: 2 })).toBe('Free: 2');
    expect(translate('en', 'app.greeting')).toBe('Hello, {name}!');
  });

  it('says the share-feed sentence exactly as the server and the bot do', () => {
    expect(MESSAGES.ru['keys.shareFeed']).toBe(SHARE_FEED_EXPLANATION.ru);
    expect(MESSAGES.en['keys.shareFeed']).toBe(SHARE_FEED_EXPLANATION.en);
  });
});

import { describe, expect, it } from 'vitest';
import { errorMessage, isErrorCode } from './errors.ts';
import { resolveLanguage } from './language.ts';

describe('resolveLanguage', () => {
  it('speaks Russian by default', () => {
    expect(resolveLanguage(undefined)).toBe('ru');
    expect(resolveLanguage('ru')).toBe('ru');
    expect(resolveLanguage('uk')).toBe('ru');
  });
  it('speaks English to English-language users, whatever the region', () => {
    expect(resolveLanguage('en')).toBe('en');
    expect(resolveLanguage('en-GB')).toBe('en');
    expect(resolveLanguage(' EN-us ')).toBe('en');
  });
});

describe('error catalogue', () => {
  it('has a message in both languages for every code', () => {
    expect(errorMessage('AUTH_EXPIRED', 'ru')).toMatch(/устарела/);
    expect(errorMessage('AUTH_EXPIRED', 'en')).toMatch(/expired/);
  });
  it('recognises only its own codes', () => {
    expect(isErrorCode('AUTH_MISSING')).toBe(true);
    expect(isErrorCode('toString')).toBe(false);
    expect(isErrorCode(42)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { type MessageKey, translate } from '../i18n/messages.ts';
import { ageText, sourceLine } from './slot-source.ts';

const ru = (key: MessageKey, vars?: Record<string, string | number>) => translate('ru', key, vars);
const en = (key: MessageKey, vars?: Record<string, string | number>) => translate('en', key, vars);
const NOW = 1_800_000_000_000;

describe('where slot data comes from', () => {
  it('names the source and its age, in the seller’s language', () => {
    expect(sourceLine({ kind: 'portal', updatedAt: NOW - 12_000, reason: null }, NOW, ru)).toEqual({
      text: 'Данные: кабинет WB · 12 с назад',
      tone: 'ok',
      toKeys: false,
    });
    expect(sourceLine({ kind: 'portal', updatedAt: NOW - 12_000, reason: null }, NOW, en).text).toBe('Data: WB seller portal · 12 s ago');
    expect(sourceLine({ kind: 'official', updatedAt: NOW - 3_000, reason: null }, NOW, ru).text).toBe('Данные: API WB · 3 с назад');
    expect(sourceLine({ kind: 'official', updatedAt: null, reason: null }, NOW, en).text).toBe('Data: WB API');
  });

  it('counts age in whole seconds, minutes, hours, never negative', () => {
    expect(ageText(NOW + 2_000, NOW, ru)).toBe('0 с назад');
    expect(ageText(NOW - 59_999, NOW, en)).toBe('59 s ago');
    expect(ageText(NOW - 60_000, NOW, ru)).toBe('1 мин назад');
    expect(ageText(NOW - 3 * 3_600_000, NOW, en)).toBe('3 h ago');
  });

  it('says when WB is limiting the source, so a growing age is explained', () => {
    const limited = { kind: 'portal' as const, updatedAt: NOW - 90_000, state: 'rate-limited' as const, reason: null };
    expect(sourceLine(limited, NOW, ru).text).toBe('Данные: кабинет WB · 1 мин назад · WB ограничил запросы, продолжаем сами');
    expect(sourceLine(limited, NOW, en).text).toBe(
      'Data: WB seller portal · 1 min ago · WB is limiting requests; we carry on by ourselves',
    );
  });

  it('marks data older than five minutes as lagging', () => {
    expect(sourceLine({ kind: 'portal', updatedAt: NOW - 6 * 60_000, reason: null }, NOW, ru).tone).toBe('stale');
  });

  it('says plainly when there is no source, and sends the seller to Keys when a session fixes it', () => {
    expect(sourceLine({ kind: 'none', updatedAt: null, reason: 'no_portal_session' }, NOW, ru)).toEqual({
      text: 'Нет источника слотов: добавьте сессию кабинета WB',
      tone: 'none',
      toKeys: true,
    });
    expect(sourceLine({ kind: 'none', updatedAt: null, reason: 'no_portal_session' }, NOW, en).text).toBe(
      'No slot source: add a WB portal session',
    );
    expect(sourceLine({ kind: 'none', updatedAt: null, reason: 'wb_disabled' }, NOW, en)).toMatchObject({
      text: expect.stringContaining('switched its official method off'),
      toKeys: false,
    });
    expect(sourceLine({ kind: 'none', updatedAt: null, reason: 'sources_failing' }, NOW, ru)).toMatchObject({
      text: 'Нет источника слотов: WB сейчас не отвечает. Пробуем снова.',
      toKeys: false,
    });
    expect(sourceLine({ kind: 'none', updatedAt: null, reason: null }, NOW, ru).tone).toBe('none');
  });
});

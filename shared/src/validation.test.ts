import { describe, expect, it } from 'vitest';
import { AddKeyInput } from './keys.ts';
import { CalendarInput } from './slots.ts';
import { CreateSupplyTaskInput } from './tasks.ts';
import { isSafeText, localizeIssue, validationMessage } from './validation.ts';

describe('isSafeText', () => {
  it('accepts ordinary names in any script, emoji included', () => {
    for (const name of ['Основной кабинет', 'Shop №2', '店铺 🚚', 'Ann & Co. (main)']) expect(isSafeText(name)).toBe(true);
  });
  it('refuses NUL, controls, bidi overrides and lone surrogates', () => {
    for (const name of ['a\u0000b', 'line\nbreak', 'tab\there', 'evil\u202Etxt.exe', 'iso\u2066late', '\ud800x', 'x\udc00', 'del\u007f'])
      expect(isSafeText(name)).toBe(false);
  });
});

describe('localized validation messages', () => {
  it('name the field and say what is wrong, in Russian and English', () => {
    const result = AddKeyInput.safeParse({ kind: 'api_token', name: 'x'.repeat(65), secret: 's' });
    expect(result.success).toBe(false);
    const issue = result.error!.issues[0]!;
    expect(localizeIssue(issue, 'ru').message).toBe('Поле «Название»: не длиннее 64 символов');
    expect(localizeIssue(issue, 'en').message).toBe('Field "name": at most 64 characters');
  });

  it('translate refinement messages', () => {
    const result = AddKeyInput.safeParse({ kind: 'api_token', name: 'bad\u0000name', secret: 's' });
    expect(validationMessage(result.error!.issues, 'ru')).toMatch(/^Поле «Название»: не должно содержать управляющих символов/);
    expect(validationMessage(result.error!.issues, 'en')).toMatch(/^Field "name": must not contain control characters/);
  });
});

describe('input bounds', () => {
  const task = { kind: 'supply', mode: 'notify', warehouseIds: [507], boxTypeId: 2, maxCoefficient: 0 } as const;
  it('a task watches at most 90 days', () => {
    expect(CreateSupplyTaskInput.safeParse({ ...task, dateFrom: '2030-01-01', dateTo: '2030-03-31' }).success).toBe(true);
    expect(CreateSupplyTaskInput.safeParse({ ...task, dateFrom: '2030-01-01', dateTo: '2030-04-01' }).success).toBe(false);
  });
  it('the calendar spans at most 14 days, within a sane window', () => {
    const ok = { warehouseIds: [507], boxTypeId: 2, dateFrom: '2030-01-01', dateTo: '2030-01-14' };
    expect(CalendarInput.safeParse(ok).success).toBe(true);
    expect(CalendarInput.safeParse({ ...ok, dateTo: '2030-01-15' }).success).toBe(false);
    expect(CalendarInput.safeParse({ ...ok, dateFrom: '0001-01-01', dateTo: '9999-12-31' }).success).toBe(false);
    expect(CalendarInput.safeParse({ warehouseIds: [507], boxTypeId: 2, dateFrom: '0001-01-01' }).success).toBe(false);
  });
});

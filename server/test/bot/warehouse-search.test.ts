import { describe, expect, it } from 'vitest';
import { searchByName, searchSkeleton } from '../../src/bot/warehouse-search.ts';

describe('warehouse search in Russian and Latin letters', () => {
  const warehouses = [
    'Коледино',
    'Электросталь',
    'СПб Шушары',
    'Казань',
    'Подольск 3',
    'Хабаровск',
    'Екатеринбург - Испытателей 14г',
    'Белая Дача',
  ].map((name) => ({ name }));
  const find = (query: string) => searchByName(warehouses, query).map((w) => w.name);

  it('finds a warehouse by its Russian or any common Latin spelling', () => {
    expect(find('Koledino')).toEqual(['Коледино']);
    expect(find('коледино')).toEqual(['Коледино']);
    expect(find('KOLED')).toEqual(['Коледино']);
    expect(find('Elektrostal')).toEqual(['Электросталь']);
    expect(find('Electrostal')).toEqual([]); // "c" for "к" is one spelling too far
    expect(find('spb shushary')).toEqual(['СПб Шушары']);
    expect(find('Kazan')).toEqual(['Казань']);
    expect(find('Khabarovsk')).toEqual(['Хабаровск']);
    expect(find('Habarovsk')).toEqual(['Хабаровск']);
    expect(find('Yekaterinburg')).toEqual(['Екатеринбург - Испытателей 14г']);
    expect(find('Ekaterinburg')).toEqual(['Екатеринбург - Испытателей 14г']);
    expect(find('belaya dacha')).toEqual(['Белая Дача']);
    expect(find('podolsk 3')).toEqual(['Подольск 3']);
    expect(find('---')).toEqual([]);
  });

  it('puts names that start with the query first', () => {
    const list = [{ name: 'Новосибирск' }, { name: 'Сибирь' }];
    expect(searchByName(list, 'sib').map((w) => w.name)).toEqual(['Сибирь', 'Новосибирск']);
    expect(searchSkeleton('Ёлки-Палки')).toBe(searchSkeleton('yolki palki'));
  });
});

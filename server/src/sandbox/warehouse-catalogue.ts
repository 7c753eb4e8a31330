// The sandbox's warehouses. 507, 117501, 300461 and 217081 are the IDs WB uses in its own examples (with WB's names
// where WB gave one); every other ID here is made up (90xxxx) and every address is approximate, so the demo looks like
// WB without claiming facts nobody checked (WB-API.md, section 4).
import { BOX_TYPES, type BoxTypeId } from '@slotpilot/shared';

export const BOX_TYPE_IDS: readonly BoxTypeId[] = Object.values(BOX_TYPES);

export interface CatalogueWarehouse {
  id: number;
  name: string;
  address: string;
  workTime: string;
  isActive: boolean;
  isTransitActive: boolean;
  isSortingCenter: boolean;
  /** Box types it accepts; the others always show coefficient -1. */
  boxTypes: readonly BoxTypeId[];
  /** 0 (quiet) … 1 (everyone wants it): busy hubs open cheap slots less often. */
  demand: number;
  /** Takes part in redistribution (has transfer quotas). */
  transfers: boolean;
}

const HUB: readonly BoxTypeId[] = [2, 5, 6];
const REGIONAL: readonly BoxTypeId[] = [2, 5];
const SORTING: readonly BoxTypeId[] = [2];

const w = (
  id: number,
  name: string,
  address: string,
  options: Partial<Omit<CatalogueWarehouse, 'id' | 'name' | 'address'>> = {},
): CatalogueWarehouse => ({
  id,
  name,
  address,
  workTime: '24/7',
  isActive: true,
  isTransitActive: false,
  isSortingCenter: false,
  boxTypes: REGIONAL,
  demand: 0.5,
  transfers: false,
  ...options,
});

export const WAREHOUSE_CATALOGUE: readonly CatalogueWarehouse[] = [
  w(507, 'Коледино', 'Московская обл., г. Подольск, д. Коледино', { boxTypes: HUB, demand: 0.95, transfers: true }),
  w(117501, 'Подольск', 'Московская обл., г. Подольск', { boxTypes: HUB, demand: 0.85, transfers: true }),
  w(300461, 'Гомель 2', 'Гомель, Могилёвская улица 1/А', { isActive: false, isTransitActive: true, boxTypes: SORTING, demand: 0.3 }),
  w(217081, 'Сц Брянск 2', 'г. Брянск', { isSortingCenter: true, isTransitActive: true, boxTypes: SORTING, demand: 0.3 }),
  w(900101, 'Электросталь', 'Московская обл., г. Электросталь', { boxTypes: HUB, demand: 0.9, transfers: true }),
  w(900102, 'Казань', 'Республика Татарстан, Зеленодольский р-н', { boxTypes: HUB, demand: 0.75, transfers: true }),
  w(900103, 'Тула', 'Тульская обл., Алексинский р-н', { demand: 0.7, transfers: true }),
  w(900104, 'Краснодар', 'Краснодарский край, г. Краснодар', { boxTypes: HUB, demand: 0.8, transfers: true }),
  w(900105, 'Новосибирск', 'г. Новосибирск', { demand: 0.6, transfers: true }),
  w(900106, 'Екатеринбург', 'г. Екатеринбург', { demand: 0.65, transfers: true }),
  w(900107, 'Санкт-Петербург', 'Ленинградская обл., Всеволожский р-н', { boxTypes: HUB, demand: 0.85, transfers: true }),
  w(900108, 'Невинномысск', 'Ставропольский край, г. Невинномысск', { demand: 0.55, transfers: true }),
  w(900109, 'Рязань', 'Рязанская обл., г. Рязань', { demand: 0.5 }),
  w(900110, 'Котовск', 'Тамбовская обл., г. Котовск', { demand: 0.45, transfers: true }),
  w(900111, 'Самара', 'Самарская обл., г. Самара', { demand: 0.55 }),
  w(900112, 'Воронеж', 'Воронежская обл., г. Воронеж', { demand: 0.5 }),
  w(900113, 'Владимир', 'Владимирская обл., г. Владимир', { demand: 0.5 }),
  w(900114, 'Белая Дача', 'Московская обл., г. Котельники', { boxTypes: HUB, demand: 0.8 }),
  w(900115, 'Ростов-на-Дону', 'Ростовская обл., г. Ростов-на-Дону', { demand: 0.6 }),
  w(900116, 'Нижний Новгород', 'Нижегородская обл., г. Нижний Новгород', { demand: 0.55 }),
  w(900117, 'Уфа', 'Республика Башкортостан, г. Уфа', { demand: 0.45 }),
  w(900118, 'Пермь', 'Пермский край, г. Пермь', { demand: 0.4 }),
  w(900119, 'Волгоград', 'Волгоградская обл., г. Волгоград', { demand: 0.45 }),
  w(900120, 'Хабаровск', 'Хабаровский край, г. Хабаровск', { workTime: '08:00-20:00', demand: 0.3 }),
  w(900121, 'Красноярск', 'Красноярский край, г. Красноярск', { demand: 0.35 }),
  w(900122, 'Омск', 'Омская обл., г. Омск', { workTime: '08:00-22:00', demand: 0.3 }),
  w(900123, 'Чехов', 'Московская обл., г. Чехов', { demand: 0.7 }),
  w(900124, 'Обухово', 'Московская обл., Богородский г. о.', { isTransitActive: true, demand: 0.6 }),
  w(900125, 'Сц Вологда', 'г. Вологда', { isSortingCenter: true, isTransitActive: true, boxTypes: SORTING, demand: 0.25 }),
  w(900126, 'Сц Курск', 'г. Курск', { isSortingCenter: true, boxTypes: SORTING, demand: 0.25 }),
  w(900127, 'Сц Тамбов', 'г. Тамбов', { isSortingCenter: true, boxTypes: SORTING, demand: 0.2 }),
];

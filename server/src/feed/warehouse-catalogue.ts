// The warehouse list shipped with SlotPilot, for the day neither WB's official list (switched off since 2026-08-15)
// nor the portal's filter list can be read yet. It holds only warehouses WB itself names in its published OpenAPI
// (server/test/sandbox/wb-openapi/): inventing IDs for real hubs would send sellers to the wrong warehouse. The portal's
// list replaces it as soon as one portal session is available.
import type { Warehouse } from '../wb/official-schemas.ts';

export interface CatalogueEntry {
  id: number;
  name: string;
  /** A region hint for people, not an address. */
  region: string;
}

export const SHIPPED_WAREHOUSES: readonly CatalogueEntry[] = [
  { id: 507, name: 'Коледино', region: 'Московская область' },
  { id: 217081, name: 'Сц Брянск 2', region: 'Брянская область' },
  { id: 300461, name: 'СЦ Гомель 2', region: 'Беларусь, Гомель' },
];

export const catalogueWarehouses = (): Warehouse[] =>
  SHIPPED_WAREHOUSES.map((w) => ({ ID: w.id, name: w.name, address: w.region, workTime: '', isActive: true, isTransitActive: false }));

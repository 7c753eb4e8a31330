// The simulated WB: warehouses, the acceptance calendar, transfer quotas, sellers with their goods, stock, drafts,
// preorders and supplies. Everything is rebuilt from the seed on reset; the clock is injected so tests own time.
import { randomUUID } from 'node:crypto';
import type { BoxTypeId } from '@slotpilot/shared';
import { SELLER_LK_TTL_MS } from '../wb/endpoints.ts';
import { PortalCallError } from './portal-call-error.ts';
import { createPrng, hashSeed, type Prng } from './prng.ts';
import { type Product, type Seller, SellerRegistry, type StockRow, stockKey, type TokenOptions } from './sellers.ts';
import { type Cell, isBookable, SlotGrid } from './slot-grid.ts';
import { BOX_TYPE_IDS, type CatalogueWarehouse, WAREHOUSE_CATALOGUE } from './warehouse-catalogue.ts';

export interface Quota {
  officeID: number;
  officeName: string;
  srcQuota: number;
  dstQuota: number;
}

export interface Preorder {
  id: number;
  sid: string;
  warehouseId: number;
  transitWarehouseId: number | null;
  boxTypeId: BoxTypeId;
  goods: Array<{ barcode: string; quantity: number }>;
  createdAt: number;
  updatedAt: number | null;
  /** Set once a date is booked ("2…", as WB's supply ids). */
  supplyId: string | null;
  deliveryDate: string | null;
  monopalletCount: number | null;
}

interface Draft {
  id: string;
  sid: string;
  goods: Map<string, number>;
}

export interface NewSellerOptions {
  name?: string;
  /** plan/add and transfer/order always answer "captcha required"; default true, as on today's WB. */
  captcha?: boolean;
  /** Lifetime of the seller's `wb-seller-lk` tokens; default SELLER_LK_TTL_MS (300 s). */
  lkTokenTtlS?: number;
  tokenExpiresInS?: number;
  categories?: number;
  accessType?: number;
  /** Seconds until the portal session stops working; default: it never does. */
  sessionExpiresInS?: number;
}

export interface CreatedSeller {
  sid: string;
  name: string;
  apiToken: string;
  portalSession: string;
  preorders: Array<{ id: number; warehouseId: number; boxTypeId: BoxTypeId }>;
  captcha: boolean;
  products: Product[];
  stock: StockRow[];
}

/** One date of `getAcceptanceCosts`: coefficient −1 when the preorder cannot be booked that day (closed or no unloading). */
export interface AcceptanceCost {
  date: string;
  coefficient: number;
  cost: number;
}

/** One cell of the calendar, as both the official coefficients method and the portal's report read it. */
export interface CalendarCell {
  warehouse: CatalogueWarehouse;
  date: string;
  boxTypeId: BoxTypeId;
  cell: Cell;
}

export interface TransferItem {
  nmID: number;
  chrtID: number;
  srcOfficeID: number;
  dstOfficeID: number;
  count: number;
}

export interface CellTariffs {
  storageCoef: string | null;
  deliveryCoef: string | null;
  deliveryBaseLiter: string | null;
  deliveryAdditionalLiter: string | null;
  storageBaseLiter: string | null;
  storageAdditionalLiter: string | null;
}

/** Every new seller gets preorders here: warehouse 507 with boxes is what most tests and demos book. */
const SEEDED_PREORDERS: ReadonlyArray<readonly [number, BoxTypeId]> = [
  [507, 2],
  [507, 5],
  [117501, 2],
  [900101, 6],
];
const SIZE_NAMES = ['42', '44', '46', '48', 'S', 'M', 'L', '0'];
const FIRST_IDS = { seller: 0, preorder: 40_000_000, supply: 20_000_000, nm: 300_000_000, chrt: 500_000_000, barcode: 0 };

export class SandboxWorld {
  readonly warehouses: ReadonlyMap<number, CatalogueWarehouse>;
  readonly grid: SlotGrid;
  readonly sellers: SellerRegistry;
  private quotas = new Map<number, Quota>();
  private drafts = new Map<string, Draft>();
  private preorders = new Map<number, Preorder>();
  private ids = { ...FIRST_IDS };
  private prng: Prng;

  constructor(
    readonly seed: number,
    readonly clock: () => number,
  ) {
    this.warehouses = new Map(WAREHOUSE_CATALOGUE.map((w) => [w.id, w]));
    this.grid = new SlotGrid(seed, this.warehouses, clock);
    this.sellers = new SellerRegistry(clock);
    this.prng = createPrng(hashSeed(seed, 'sellers'));
    this.reset();
  }

  /** Back to the seeded initial world: no sellers, the calendar and quotas as the seed makes them. */
  reset(): void {
    this.grid.reset();
    this.sellers.clear();
    this.drafts.clear();
    this.preorders.clear();
    this.ids = { ...FIRST_IDS };
    this.prng = createPrng(hashSeed(this.seed, 'sellers'));
    this.quotas = new Map(
      WAREHOUSE_CATALOGUE.filter((w) => w.transfers).map((w) => {
        const prng = createPrng(hashSeed(this.seed, 'quota', w.id));
        // Destination quotas are the scarce side, like cheap slots.
        const quota = {
          officeID: w.id,
          officeName: w.name,
          srcQuota: prng.chance(0.8) ? prng.int(50, 2000) : 0,
          dstQuota: prng.chance(0.35) ? prng.int(10, 500) : 0,
        };
        return [w.id, quota];
      }),
    );
  }

  // ---- the calendar

  cell(warehouseId: number, date: string, boxTypeId: BoxTypeId): Cell {
    return this.grid.get(warehouseId, date, boxTypeId);
  }

  /** Every warehouse × every published date × every box type (the official method's and the portal report's cells),
   * optionally only some warehouses or dates. */
  calendar(filter: { warehouseIds?: ReadonlySet<number>; dateFrom?: string; dateTo?: string } = {}): CalendarCell[] {
    const dates = this.grid
      .dates()
      .filter((date) => (!filter.dateFrom || date >= filter.dateFrom) && (!filter.dateTo || date <= filter.dateTo));
    return [...this.warehouses.values()]
      .filter((warehouse) => !filter.warehouseIds || filter.warehouseIds.has(warehouse.id))
      .flatMap((warehouse) =>
        dates.flatMap((date) =>
          BOX_TYPE_IDS.map((boxTypeId) => ({ warehouse, date, boxTypeId, cell: this.cell(warehouse.id, date, boxTypeId) })),
        ),
      );
  }

  setCell(warehouseId: number, date: string, boxTypeId: BoxTypeId, cell: Cell): number {
    if (!this.warehouses.has(warehouseId)) throw new Error(`unknown warehouse ${warehouseId}`);
    return this.grid.set(warehouseId, date, boxTypeId, cell);
  }

  /** Storage and logistics tariffs WB shows next to a coefficient; sorting centres show none (as in WB's example). */
  tariffs(warehouse: CatalogueWarehouse, boxTypeId: BoxTypeId): CellTariffs {
    if (warehouse.isSortingCenter) {
      return {
        storageCoef: null,
        deliveryCoef: null,
        deliveryBaseLiter: null,
        deliveryAdditionalLiter: null,
        storageBaseLiter: null,
        storageAdditionalLiter: null,
      };
    }
    const prng = createPrng(hashSeed(this.seed, 'tariff', warehouse.id));
    const delivery = prng.int(120, 260);
    const storage = prng.int(100, 250);
    const money = (base: number, percent: number) => ((base * percent) / 100).toFixed(2);
    return {
      storageCoef: String(storage),
      deliveryCoef: String(delivery),
      deliveryBaseLiter: money(46, delivery),
      deliveryAdditionalLiter: money(14, delivery),
      // Pallets are charged per pallet, so there is no "additional litre" for them (WB's schema says so).
      storageBaseLiter: boxTypeId === 5 ? money(23, storage) : money(0.08, storage),
      storageAdditionalLiter: boxTypeId === 5 ? null : money(0.08, storage),
    };
  }

  // ---- sellers

  createSeller(options: NewSellerOptions = {}): CreatedSeller {
    const n = ++this.ids.seller;
    const prng = this.prng;
    const products: Product[] = Array.from({ length: 3 }, (_, i) => ({
      nmID: ++this.ids.nm,
      vendorCode: `sandbox-${n}-${i + 1}`,
      sizes: Array.from({ length: prng.int(1, 2) }, () => ({
        chrtID: ++this.ids.chrt,
        sizeName: prng.pick(SIZE_NAMES),
        barcode: `2${String(++this.ids.barcode + n * 1000).padStart(12, '0')}`,
      })),
    }));
    const offices = [...this.quotas.keys()];
    const stock = new Map<string, StockRow>();
    for (const product of products) {
      for (const size of product.sizes) {
        for (const officeID of [507, prng.pick(offices)]) {
          const row = { nmID: product.nmID, chrtID: size.chrtID, sizeName: size.sizeName, officeID, count: prng.int(20, 300) };
          stock.set(stockKey(size.chrtID, officeID), row);
        }
      }
    }
    const seller = this.sellers.add({
      name: options.name ?? `ИП Песочница ${n}`,
      tin: String(prng.int(1_000_000_000, 9_999_999_999)),
      tradeMark: `Sandbox Store ${n}`,
      phone: `+7 9${prng.int(10, 99)} *** ${prng.int(10, 99)} ${prng.int(10, 99)}`,
      captcha: options.captcha ?? true,
      lkTtlMs: options.lkTokenTtlS === undefined ? SELLER_LK_TTL_MS : options.lkTokenTtlS * 1000,
      sessionExpiresAt: options.sessionExpiresInS === undefined ? undefined : this.clock() + options.sessionExpiresInS * 1000,
      products,
      stock,
    });
    const barcodes = products.flatMap((p) => p.sizes.map((s) => s.barcode));
    const preorders = SEEDED_PREORDERS.map(([warehouseId, boxTypeId]) =>
      this.addPreorder(
        seller.sid,
        warehouseId,
        boxTypeId,
        null,
        barcodes.slice(0, 2).map((barcode) => ({ barcode, quantity: prng.int(10, 120) })),
      ),
    );
    return {
      sid: seller.sid,
      name: seller.name,
      apiToken: this.sellers.issueToken(seller.sid, {
        expiresInS: options.tokenExpiresInS,
        categories: options.categories,
        accessType: options.accessType,
      }),
      portalSession: this.sellers.portalSession(seller),
      preorders: preorders.map((p) => ({ id: p.id, warehouseId: p.warehouseId, boxTypeId: p.boxTypeId })),
      captcha: seller.captcha,
      products,
      stock: [...stock.values()].map((row) => ({ ...row })),
    };
  }

  /** Another token for an existing seller: WB's limits are per seller, so all its tokens share one budget. */
  issueToken(sid: string, options: TokenOptions = {}): string {
    return this.sellers.issueToken(sid, options);
  }

  // ---- supplies (portal and the official supplies list)

  createDraft(sid: string): string {
    const id = randomUUID();
    this.drafts.set(id, { id, sid, goods: new Map() });
    return id;
  }

  updateDraftGoods(sid: string, draftID: string, goods: Array<{ barcode: string; quantity: number }>): void {
    const draft = this.drafts.get(draftID);
    if (!draft || draft.sid !== sid) throw PortalCallError.refused('notFound', { draftID });
    // Any barcode goes in: the control API's seller contract does not promise clients a card catalogue to pick from.
    for (const { barcode, quantity } of goods) {
      if (quantity > 0) draft.goods.set(barcode, quantity);
      else draft.goods.delete(barcode);
    }
  }

  createPreorder(
    sid: string,
    input: { draftID: string; warehouseId: number; boxTypeId: BoxTypeId; transitWarehouseId: number | null },
  ): Preorder {
    const draft = this.drafts.get(input.draftID);
    if (!draft || draft.sid !== sid) throw PortalCallError.refused('notFound', { draftID: input.draftID });
    if (draft.goods.size === 0) throw PortalCallError.badParams('the draft has no goods');
    const warehouse = this.warehouses.get(input.warehouseId);
    if (!warehouse?.isActive) throw PortalCallError.badParams(`warehouse ${input.warehouseId} does not accept supplies`);
    if (!warehouse.boxTypes.includes(input.boxTypeId)) {
      throw PortalCallError.badParams(`warehouse ${input.warehouseId} does not accept box type ${input.boxTypeId}`);
    }
    if (input.transitWarehouseId !== null && !this.warehouses.get(input.transitWarehouseId)?.isTransitActive) {
      throw PortalCallError.badParams(`warehouse ${input.transitWarehouseId} is not a transit warehouse`);
    }
    this.drafts.delete(draft.id);
    const goods = [...draft.goods].map(([barcode, quantity]) => ({ barcode, quantity }));
    return this.addPreorder(sid, input.warehouseId, input.boxTypeId, input.transitWarehouseId, goods);
  }

  preorder(sid: string, preorderId: number): Preorder {
    const preorder = this.preorders.get(preorderId);
    if (!preorder || preorder.sid !== sid) throw PortalCallError.refused('notFound', { preorderId });
    return preorder;
  }

  supplyById(sid: string, supplyId: string): Preorder {
    for (const preorder of this.preorders.values()) if (preorder.sid === sid && preorder.supplyId === supplyId) return preorder;
    throw PortalCallError.refused('notFound', { supplyId });
  }

  /** A seller's preorders and supplies, newest first (as WB lists them). */
  suppliesOf(sid: string): Preorder[] {
    return [...this.preorders.values()].filter((p) => p.sid === sid).reverse();
  }

  acceptanceCosts(sid: string, preorderId: number, dateFrom: string, dateTo: string): AcceptanceCost[] {
    const preorder = this.preorder(sid, preorderId);
    const units = preorder.goods.reduce((sum, g) => sum + g.quantity, 0);
    // Roughly WB's order of magnitude: per litre for boxes, per pallet for monopallets.
    const base = preorder.boxTypeId === 5 ? 500 * (preorder.monopalletCount ?? 1) : Math.max(100, units * 12);
    return this.grid
      .dates()
      .filter((date) => date >= dateFrom && date <= dateTo)
      .map((date) => {
        const cell = this.grid.get(preorder.warehouseId, date, preorder.boxTypeId);
        // The preorder's own view folds "no unloading" into the coefficient: −1 is every day it cannot be booked.
        const coefficient = isBookable(cell) ? cell.coefficient : -1;
        return { date: `${date}T00:00:00Z`, coefficient, cost: coefficient > 0 ? coefficient * base : 0 };
      });
  }

  /** Book a date for a preorder. WB has capacity, so a booking does not close the slot for anyone else. */
  book(sid: string, preorderId: number, date: string, monopalletCount: number | undefined): Preorder {
    const preorder = this.preorder(sid, preorderId);
    if (preorder.supplyId !== null) {
      throw PortalCallError.refused('alreadyPlanned', {
        supplyId: preorder.supplyId,
        deliveryDate: preorder.deliveryDate,
      });
    }
    this.assertBookable(preorder, date);
    preorder.supplyId = String(++this.ids.supply);
    preorder.deliveryDate = date;
    preorder.monopalletCount = monopalletCount ?? (preorder.boxTypeId === 5 ? 1 : null);
    preorder.updatedAt = this.clock();
    return preorder;
  }

  movePlan(sid: string, supplyId: string, date: string): Preorder {
    const preorder = this.supplyById(sid, supplyId);
    this.assertBookable(preorder, date);
    preorder.deliveryDate = date;
    preorder.updatedAt = this.clock();
    return preorder;
  }

  deletePreorder(sid: string, preorderId: number): void {
    this.preorder(sid, preorderId);
    this.preorders.delete(preorderId);
  }

  barcodesOf(sid: string): string[] {
    return this.sellers.get(sid)?.products.flatMap((p) => p.sizes.map((s) => s.barcode)) ?? [];
  }

  // ---- redistribution

  quotaList(): Quota[] {
    return [...this.quotas.values()].map((q) => ({ ...q }));
  }

  setQuota(officeID: number, change: { srcQuota?: number; dstQuota?: number }): Quota {
    const warehouse = this.warehouses.get(officeID);
    if (!warehouse) throw new Error(`unknown office ${officeID}`);
    const quota = this.quotas.get(officeID) ?? { officeID, officeName: warehouse.name, srcQuota: 0, dstQuota: 0 };
    if (change.srcQuota !== undefined) quota.srcQuota = change.srcQuota;
    if (change.dstQuota !== undefined) quota.dstQuota = change.dstQuota;
    this.quotas.set(officeID, quota);
    return { ...quota };
  }

  transferOffices(): number[] {
    return [...this.quotas.keys()];
  }

  /** The seller's stock of these goods; no nmIDs means all of it (clients that hold no nmIDs yet can discover them). */
  stockOf(sid: string, nmIDs: readonly number[]): StockRow[] {
    const seller = this.sellerOrThrow(sid);
    const wanted = new Set(nmIDs);
    return [...seller.stock.values()].filter((row) => wanted.size === 0 || wanted.has(row.nmID)).map((row) => ({ ...row }));
  }

  /** Place a transfer order: all or nothing, each item bounded by min(stock, source quota, destination quota). */
  placeTransfer(sid: string, items: readonly TransferItem[]): { requestId: string; items: TransferItem[] } {
    const seller = this.sellerOrThrow(sid);
    const stockLeft = new Map<string, number>();
    const srcLeft = new Map<number, number>();
    const dstLeft = new Map<number, number>();
    for (const item of items) {
      if (item.srcOfficeID === item.dstOfficeID) throw PortalCallError.badParams('source and destination are the same office');
      const product = seller.products.find((p) => p.nmID === item.nmID);
      if (!product?.sizes.some((s) => s.chrtID === item.chrtID)) {
        throw PortalCallError.refused('notFound', { nmID: item.nmID, chrtID: item.chrtID });
      }
      const key = stockKey(item.chrtID, item.srcOfficeID);
      const stock = stockLeft.get(key) ?? seller.stock.get(key)?.count ?? 0;
      const src = srcLeft.get(item.srcOfficeID) ?? this.quotas.get(item.srcOfficeID)?.srcQuota ?? 0;
      const dst = dstLeft.get(item.dstOfficeID) ?? this.quotas.get(item.dstOfficeID)?.dstQuota ?? 0;
      const available = Math.min(stock, src, dst);
      if (item.count > available) {
        throw PortalCallError.refused('quotaExceeded', {
          ...item,
          available,
          stock,
          srcQuota: src,
          dstQuota: dst,
        });
      }
      stockLeft.set(key, stock - item.count);
      srcLeft.set(item.srcOfficeID, src - item.count);
      dstLeft.set(item.dstOfficeID, dst - item.count);
    }
    for (const [key, count] of stockLeft) {
      const row = seller.stock.get(key);
      if (row) row.count = count;
    }
    for (const [officeID, left] of srcLeft) this.setQuota(officeID, { srcQuota: left });
    for (const [officeID, left] of dstLeft) this.setQuota(officeID, { dstQuota: left });
    return { requestId: randomUUID(), items: items.map((item) => ({ ...item })) };
  }

  // ----

  private assertBookable(preorder: Preorder, date: string): void {
    if (!this.grid.inWindow(date)) {
      throw PortalCallError.refused('slotUnavailable', { date });
    }
    const cell = this.grid.get(preorder.warehouseId, date, preorder.boxTypeId);
    if (!isBookable(cell)) {
      throw PortalCallError.refused('slotUnavailable', {
        date,
        warehouseId: preorder.warehouseId,
        coefficient: cell.coefficient,
        allowUnload: cell.allowUnload,
      });
    }
  }

  private addPreorder(
    sid: string,
    warehouseId: number,
    boxTypeId: BoxTypeId,
    transitWarehouseId: number | null,
    goods: Preorder['goods'],
  ): Preorder {
    const preorder: Preorder = {
      id: ++this.ids.preorder,
      sid,
      warehouseId,
      transitWarehouseId,
      boxTypeId,
      goods,
      createdAt: this.clock(),
      updatedAt: null,
      supplyId: null,
      deliveryDate: null,
      monopalletCount: null,
    };
    this.preorders.set(preorder.id, preorder);
    return preorder;
  }

  private sellerOrThrow(sid: string): Seller {
    const seller = this.sellers.get(sid);
    if (!seller) throw PortalCallError.refused('notFound', { sid });
    return seller;
  }
}

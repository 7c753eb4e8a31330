// WB's warehouse list, fetched rarely (it changes seldom and the call is limited), shared through the cache. WB's
// official list has been switched off since 2026-08-15, so the directory falls back to the portal's warehouse filter
// (any portal session the feed may read with), then to the last good list, then to the catalogue shipped with us.
import { DomainError } from '@slotpilot/shared';
import type { Logger } from 'pino';
import type { SharedState } from '../platform/kv/types.ts';
import { WbDisabledError, WbError, WbRateLimitedError, WbUnauthorizedError } from '../wb/errors.ts';
import type { WbOfficialClient } from '../wb/official-client.ts';
import type { Warehouse } from '../wb/official-schemas.ts';
import type { WbPortalClient } from '../wb/portal-client.ts';
import type { FeedCredentialSource } from './official-source.ts';
import type { PortalSessionSource } from './portal-source.ts';
import { catalogueWarehouses } from './warehouse-catalogue.ts';

export interface WarehouseList {
  warehouses: Warehouse[];
  fetchedAt: number;
  stale: boolean;
  /** Where the list came from. */
  source: 'official' | 'portal' | 'catalogue';
}

const FRESH_KEY = 'wb:warehouses';
const LAST_GOOD_KEY = 'wb:warehouses:last-good';

export class WarehouseDirectory {
  private local: WarehouseList | undefined;
  private pending: Promise<WarehouseList> | undefined;

  constructor(
    private readonly deps: {
      shared: SharedState;
      official: WbOfficialClient;
      credentials: FeedCredentialSource;
      portal: WbPortalClient;
      portalSessions: PortalSessionSource;
      logger: Logger;
    },
    private readonly freshForMs = 60 * 60_000,
  ) {}

  /** Every WB warehouse; one upstream call an hour at most, however many ask. */
  list(): Promise<WarehouseList> {
    if (this.local && !this.local.stale && Date.now() - this.local.fetchedAt < this.freshForMs) return Promise.resolve(this.local);
    this.pending ??= this.load()
      .then((list) => {
        this.local = list;
        return list;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  async byId(): Promise<Map<number, Warehouse>> {
    return new Map((await this.list()).warehouses.map((w) => [w.ID, w]));
  }

  private async load(): Promise<WarehouseList> {
    const { shared } = this.deps;
    const cached = await shared.cache.get(FRESH_KEY);
    if (cached) return JSON.parse(cached) as WarehouseList;
    try {
      const { warehouses, source } = await this.fetch();
      const list: WarehouseList = { warehouses, fetchedAt: Date.now(), stale: false, source };
      await shared.cache.set(FRESH_KEY, JSON.stringify(list), this.freshForMs);
      await shared.cache.set(LAST_GOOD_KEY, JSON.stringify(list), 30 * 24 * 60 * 60_000);
      return list;
    } catch (error) {
      const lastGood = await shared.cache.get(LAST_GOOD_KEY);
      if (lastGood) {
        this.deps.logger.warn({ event: 'warehouses.stale', err: error }, 'serving the last good warehouse list');
        return { ...(JSON.parse(lastGood) as WarehouseList), stale: true };
      }
      this.deps.logger.warn({ event: 'warehouses.catalogue', err: error }, 'serving the shipped warehouse catalogue');
      // Not cached as fresh: the next call tries WB again.
      return { warehouses: catalogueWarehouses(), fetchedAt: Date.now(), stale: true, source: 'catalogue' };
    }
  }

  /** The official list when WB serves it, else the portal's filter list. */
  private async fetch(): Promise<{ warehouses: Warehouse[]; source: 'official' | 'portal' }> {
    try {
      return { warehouses: await this.fetchOfficial(), source: 'official' };
    } catch (officialError) {
      try {
        return { warehouses: await this.fetchPortal(), source: 'portal' };
      } catch (portalError) {
        this.deps.logger.info({ event: 'warehouses.portal_failed', err: portalError }, 'the portal warehouse list is unavailable too');
        throw officialError;
      }
    }
  }

  private async fetchPortal(): Promise<Warehouse[]> {
    const sessions = await this.deps.portalSessions.list();
    let lastError: unknown = new DomainError('NO_FEED_SOURCE');
    for (const session of sessions.slice(0, 3)) {
      try {
        const items = await this.deps.portal.warehouseFilterItems(session.session, { maxLimiterWaitMs: 3_000 });
        if (items.length === 0) continue;
        return items.map((w) => ({ ID: w.id, name: w.name, address: '', workTime: '', isActive: true, isTransitActive: false }));
      } catch (error) {
        lastError = error;
        if (error instanceof WbUnauthorizedError)
          await this.deps.portalSessions.rejected(session.credentialId, 'WB no longer accepts this portal session');
      }
    }
    throw lastError;
  }

  private async fetchOfficial(): Promise<Warehouse[]> {
    const sellers = await this.deps.credentials.list();
    if (sellers.length === 0) throw new DomainError('NO_FEED_SOURCE');
    let lastError: unknown;
    for (const seller of sellers) {
      try {
        return await this.deps.official.warehouses(seller, { maxLimiterWaitMs: 3_000 });
      } catch (error) {
        lastError = error;
        if (error instanceof WbUnauthorizedError)
          await this.deps.credentials.rejected(seller.credentialId, 'WB rejected the token (HTTP 401)');
        else if (!(error instanceof WbRateLimitedError)) break;
      }
    }
    if (lastError instanceof WbRateLimitedError) throw new DomainError('WB_BUSY', { seconds: Math.ceil(lastError.retryAfterMs / 1000) });
    if (lastError instanceof WbDisabledError) throw new DomainError('WB_DISABLED');
    if (lastError instanceof WbError) throw new DomainError('WB_UNAVAILABLE');
    throw lastError;
  }
}

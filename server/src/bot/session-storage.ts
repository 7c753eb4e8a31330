// grammY sessions in the shared key-value cache: Redis when REDIS_URL is set (a half-finished /new survives a restart
// and works on any replica), memory in embedded mode. Entries expire, so abandoned drafts clean themselves up.
import type { StorageAdapter } from 'grammy';
import type { KeyValueCache } from '../platform/kv/types.ts';

export class SharedSessionStorage<T extends object> implements StorageAdapter<T> {
  constructor(
    private readonly cache: KeyValueCache,
    /** Namespaces the keys (per bot, so two bots sharing a Redis never see each other's sessions). */
    private readonly prefix: string,
    private readonly ttlMs: number,
  ) {}

  async read(key: string): Promise<T | undefined> {
    const raw = await this.cache.get(this.prefix + key);
    if (raw === undefined) return undefined;
    try {
      return JSON.parse(raw) as T;
    } catch {
      // Written by an incompatible version, or damaged: start the user over rather than fail every update.
      return undefined;
    }
  }

  async write(key: string, value: T): Promise<void> {
    // An empty session is the same as none: do not keep a key for every user who ever tapped a button.
    if (Object.keys(value).length === 0) await this.cache.delete(this.prefix + key);
    else await this.cache.set(this.prefix + key, JSON.stringify(value), this.ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.cache.delete(this.prefix + key);
  }
}

// Until when each owning instance holds its tasks: what the inspector and /inspect show as a task's lease.
import type { EntityManager } from '@mikro-orm/postgresql';
import { MonitorInstance } from '../db/entities/monitor-instance.ts';

export async function leasesOf(em: EntityManager, owners: Iterable<string | null | undefined>): Promise<Map<string, Date>> {
  const ids = [...new Set([...owners].filter((o): o is string => typeof o === 'string'))];
  if (ids.length === 0) return new Map();
  const rows = await em.find(MonitorInstance, { id: { $in: ids } });
  return new Map(rows.map((row) => [row.id, row.leaseUntil]));
}

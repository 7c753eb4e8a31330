// Until when each owning instance holds its tasks: what the inspector and /inspect show as a task's lease.
import type { EntityManager } from '@mikro-orm/postgresql';
import { MonitorInstance } from '../db/entities/monitor-instance.ts';

export async function leasesOf(em: EntityManager, owners: Iterable<string | null | undefined>): Promise<Map<string, Date>> {
  const ids = [...new Set([...owners].filter((o): o is string => typeof o === 'string'))];
  if (ids.length === 0) return new Map();
  const rows = await em.find(MonitorInstance, { id: { $in: ids } });
  return new Map(rows.map((row) => [row.id, row.leaseUntil]));
}

/** `host:pid:random`: unique per process, and enough for a restarted process to recognise its dead predecessors. */
export function newInstanceId(hostname: string, pid: number, random: string): string {
  return `${hostname}:${pid}:${random}`;
}

/**
 * Whether the instance `other` certainly no longer runs: it ran on this host and its process is gone, or its pid is now
 * ours (a container restarted: pid 1 again). Its tasks can then be taken at once instead of after its lease lapses.
 * `alive` is `process.kill(pid, 0)` in production.
 */
export function isDeadPredecessor(other: string, self: string, alive: (pid: number) => boolean): boolean {
  const parse = (id: string) => {
    const parts = id.split(':');
    if (parts.length < 3) return undefined;
    const pid = Number(parts.at(-2));
    return Number.isInteger(pid) && pid > 0 ? { host: parts.slice(0, -2).join(':'), pid } : undefined;
  };
  const theirs = parse(other);
  const ours = parse(self);
  if (!theirs || !ours || other === self || theirs.host !== ours.host) return false;
  return theirs.pid === ours.pid || !alive(theirs.pid);
}

/** `process.kill(pid, 0)`: true while a process with that pid exists (EPERM: it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

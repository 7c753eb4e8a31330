// Until when each owning instance holds its tasks: what the inspector and /inspect show as a task's lease.
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MonitorInstance } from '../db/entities/monitor-instance.ts';

export async function leasesOf(em: EntityManager, owners: Iterable<string | null | undefined>): Promise<Map<string, Date>> {
  const ids = [...new Set([...owners].filter((o): o is string => typeof o === 'string'))];
  if (ids.length === 0) return new Map();
  const rows = await em.find(MonitorInstance, { id: { $in: ids } });
  return new Map(rows.map((row) => [row.id, row.leaseUntil]));
}

/** `host:pid:random`: unique per process, for people reading logs and the inspector; nothing is inferred from it. */
export function newInstanceId(hostname: string, pid: number, random: string): string {
  return `${hostname}:${pid}:${random}`;
}

/** What an instance row says about the process behind it. */
export interface InstanceBoot {
  bootId: string | null;
  pid: number | null;
}

/**
 * Whether the instance `other` certainly no longer runs, so its tasks can be taken at once instead of after its lease
 * lapses. Its boot id must be one recorded on this filesystem by an earlier process start (`recorded`: a container
 * restarted keeps its filesystem, a sibling container does not share it), not one of this process's own live hosts,
 * and its process must be gone: it had our pid (pid 1 again after a restart: two live processes of one PID namespace
 * never share a pid) or `alive(pid)` says so. Hostname and pid alone are never trusted: two containers both run pid 1.
 */
export function isDeadPredecessor(
  other: InstanceBoot,
  self: { bootId: string; pid: number },
  recorded: ReadonlySet<string>,
  alive: (pid: number) => boolean,
): boolean {
  if (!other.bootId || other.bootId === self.bootId || !recorded.has(other.bootId) || LIVE_BOOTS.has(other.bootId)) return false;
  if (other.pid === null) return false;
  return other.pid === self.pid || !alive(other.pid);
}

/** Boot ids of the hosts running in this process now (tests run several in one process: all share its pid). */
const LIVE_BOOTS = new Set<string>();

/** A new boot id for a host starting in this process; `endBoot` when it stops. */
export function newBootId(): string {
  const bootId = randomUUID();
  LIVE_BOOTS.add(bootId);
  return bootId;
}

export function endBoot(bootId: string): void {
  LIVE_BOOTS.delete(bootId);
}

/** How long a recorded boot id is kept: far longer than any lease. */
const BOOT_RECORD_TTL_MS = 7 * 24 * 3_600_000;
const BOOT_FILE = /^[0-9a-f-]{36}$/;

/**
 * Record `bootId` as started on this filesystem (one empty file per boot in `dir`: no read-modify-write between
 * processes) and return every boot id recorded here before, forgetting those older than a week.
 */
export async function recordBoot(dir: string, bootId: string): Promise<Set<string>> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const recorded = new Set<string>();
  const cutoff = Date.now() - BOOT_RECORD_TTL_MS;
  for (const name of await readdir(dir)) {
    if (!BOOT_FILE.test(name) || name === bootId) continue;
    const info = await stat(join(dir, name)).catch(() => undefined);
    if (!info) continue;
    if (info.mtimeMs < cutoff) await rm(join(dir, name), { force: true });
    else recorded.add(name);
  }
  await writeFile(join(dir, bootId), '', { mode: 0o600 });
  return recorded;
}

/** Where boot ids are recorded by default: the machine's (or container's) own temporary directory. */
export function defaultBootDir(): string {
  return join(tmpdir(), 'slotpilot-monitor-boots');
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

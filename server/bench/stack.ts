// What the engine benchmarks run against: real components on this machine. One embedded PostgreSQL (a fresh database per
// scenario), one redis-server (flushed between scenarios), the WB sandbox over HTTP on its own port, and the server as a
// child process started from src/main.ts exactly as users run it. Plus the probes the scenarios read the child with:
// /proc (CPU, RSS), /metrics (event-loop lag, actors, leases) and the sandbox's control API (requests, bookings).
import { randomBytes } from 'node:crypto';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpLink } from '@trpc/client';
import { Redis } from 'ioredis';
import pg from 'pg';
import pino from 'pino';
import { InitDataVerifier } from '../src/api/auth/init-data.ts';
import type { AppRouter } from '../src/api/router.ts';
import { freePort, startEmbeddedPostgres } from '../src/platform/db/embedded-postgres.ts';
import { ensureDatabase } from '../src/platform/db/ensure-database.ts';
import { generateDevBotToken, generateMasterKey } from '../src/platform/local-secrets.ts';
import { type RunningSandbox, startSandbox } from '../src/sandbox/sandbox-app.ts';
import { WAREHOUSE_CATALOGUE } from '../src/sandbox/warehouse-catalogue.ts';
import { type ChildServer, spawnServer, stopChildServer } from '../test/harness/child-server.ts';
import { startRedisServer, type TestRedis } from '../test/harness/redis-server.ts';
import { sandboxControl } from '../test/harness/sandbox-control.ts';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The 30 warehouses WB lists as active in the sandbox's catalogue: what the scale run watches. */
export const ACTIVE_WAREHOUSES = WAREHOUSE_CATALOGUE.filter((w) => w.isActive).map((w) => w.id);
export const BOX_TYPES = [2, 5, 6] as const;

export interface Stack {
  dir: string;
  sandbox: RunningSandbox;
  control: ReturnType<typeof sandboxControl>;
  redis: TestRedis;
  /** A new, empty database on the embedded PostgreSQL; its URL. */
  database(name: string): Promise<string>;
  flushRedis(): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'slotpilot-bench-'));
  const logger = pino({ level: 'warn' });
  const [postgres, redis, sandbox] = await Promise.all([
    // pg_stat_statements: statements per second per task for docs/scaling.md (bench/db-costs.ts).
    startEmbeddedPostgres({
      dataDir: path.join(dir, 'pg'),
      password: 'bench',
      logger,
      ephemeral: true,
      preloadLibraries: ['pg_stat_statements'],
    }),
    startRedisServer(),
    startSandbox({ port: 0, host: '127.0.0.1', logger: false, scenario: { running: false } }),
  ]);
  return {
    dir,
    sandbox,
    control: sandboxControl(sandbox.url),
    redis,
    async database(name) {
      await ensureDatabase(postgres.url, name);
      await sql(postgres.urlFor(name), 'create extension if not exists pg_stat_statements');
      return postgres.urlFor(name);
    },
    async flushRedis() {
      const client = new Redis(redis.url, { lazyConnect: true });
      await client.connect();
      await client.flushall();
      client.disconnect();
    },
    async close() {
      await Promise.allSettled([sandbox.close(), redis.stop(), postgres.stop()]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// The server under test

export interface Server {
  child: ChildServer;
  url: string;
  pid: number;
  dataDir: string;
  /** Signs init data with the server's own bot token: `Authorization: tma …` for any user id. */
  authorization(userId: number, firstName?: string): string;
  api(userId: number, firstName?: string): ReturnType<typeof createTRPCClient<AppRouter>>;
}

export interface ServerEnv {
  databaseUrl: string;
  dataDir: string;
  leaseMs: number;
  /** Extra variables (NODE_OPTIONS for --cpu-prof, …). */
  extra?: Record<string, string>;
}

/** The bench's Prometheus bearer token (METRICS_TOKEN of every server it starts). */
export const BENCH_METRICS_TOKEN = 'bench-scraper-token-0123456789';

/**
 * Starts src/main.ts as a child process. No BOT_TOKEN: the bot stays off (there is no Telegram here, and the bench must
 * not reach for it); the development bot token written into DATA_DIR beforehand signs init data, as in development.
 */
/** Servers started and not yet stopped: killed if the bench itself exits early, so none outlives it. */
const running = new Set<ChildServer>();
process.on('exit', () => {
  for (const child of running) child.process.kill('SIGKILL');
});

export async function startServer(stack: Stack, env: ServerEnv): Promise<Server> {
  await mkdir(env.dataDir, { recursive: true });
  const tokenFile = path.join(env.dataDir, 'dev-bot-token');
  let botToken: string;
  try {
    botToken = readFileSync(tokenFile, 'utf8').trim();
  } catch {
    botToken = generateDevBotToken();
    await writeFile(tokenFile, `${botToken}\n`, { mode: 0o600 });
    await writeFile(path.join(env.dataDir, 'master-key'), `${generateMasterKey()}\n`, { mode: 0o600 });
  }
  const port = await freePort();
  const child = spawnServer(
    {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: env.dataDir,
      DATABASE_URL: env.databaseUrl,
      REDIS_URL: stack.redis.url,
      WB_SANDBOX: '0',
      WB_COMMON_API_URL: stack.sandbox.url,
      WB_SUPPLIES_API_URL: stack.sandbox.url,
      WB_PORTAL_URL: stack.sandbox.url,
      WB_PORTAL_AUTH_URL: stack.sandbox.url,
      MONITOR_LEASE_MS: String(env.leaseMs),
      LOG_LEVEL: process.env.BENCH_SERVER_LOG_LEVEL ?? 'warn',
      // The scrapes below authenticate as Prometheus would; the API load (one user at 200 calls/s) is not an attack.
      METRICS_TOKEN: BENCH_METRICS_TOKEN,
      API_RATE_LIMIT: '1000000',
      ...env.extra,
    },
    (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
  );
  running.add(child);
  void child.exited.then(() => running.delete(child));
  // BENCH_SERVER_LOG_DIR: each server's log lines also go to <dir>/server-<pid>.log (at BENCH_SERVER_LOG_LEVEL, default warn).
  if (process.env.BENCH_SERVER_LOG_DIR) {
    await mkdir(process.env.BENCH_SERVER_LOG_DIR, { recursive: true });
    child.process.stdout?.pipe(createWriteStream(path.join(process.env.BENCH_SERVER_LOG_DIR, `server-${child.process.pid}.log`)));
  }
  const url = `http://127.0.0.1:${port}`;
  // At LOG_LEVEL=warn there is no "listening" line to wait for: ask /healthz instead.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.process.exitCode !== null || child.process.signalCode !== null) {
      running.delete(child);
      throw new Error(`server exited before it was up:\n${child.stderr.slice(-3000)}\n${child.stdout.slice(-20).join('\n')}`);
    }
    const ok = await fetch(`${url}/healthz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) {
      await stopChildServer(child, 'SIGKILL');
      throw new Error(`server did not answer /healthz within 120 s:\n${child.stderr.slice(-3000)}`);
    }
    await sleep(100);
  }
  child.url = url;
  const verifier = new InitDataVerifier(botToken);
  const authorization = (userId: number, firstName = `Bench ${userId}`) => `tma ${verifier.sign({ id: userId, firstName })}`;
  return {
    child,
    url,
    pid: child.process.pid ?? 0,
    dataDir: env.dataDir,
    authorization,
    api: (userId, firstName) =>
      createTRPCClient<AppRouter>({
        links: [httpLink({ url: `${url}/trpc`, headers: { authorization: authorization(userId, firstName) } })],
      }),
  };
}

export async function stopServer(server: Server, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  return stopChildServer(server.child, signal);
}

// ---------------------------------------------------------------------------------------------------------------------
// Seeding: users and tasks straight into PostgreSQL, as a long-running deployment would have them

export interface BulkTaskOptions {
  count: number;
  /** Users get up to 50 tasks each (the product's per-user limit). */
  firstUserId: number;
  warehouses: readonly number[];
  /** Warehouses per task (1…10), drawn between these. */
  maxWarehousesPerTask: number;
  minWarehousesPerTask?: number;
  today: string;
  seed: number;
}

/** Notify tasks that keep watching after an alert (so they stay active), free slots only, spread over the warehouses. */
export async function insertBulkTasks(databaseUrl: string, options: BulkTaskOptions): Promise<{ users: number[] }> {
  const random = prng(options.seed);
  const perUser = 50;
  const users = Array.from({ length: Math.ceil(options.count / perUser) }, (_, i) => options.firstUserId + i);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `insert into users (id, first_name) select id, 'Bench ' || id from unnest($1::bigint[]) as id on conflict (id) do nothing`,
      [users],
    );
    const rows: Array<[number, string]> = [];
    for (let i = 0; i < options.count; i++) {
      const min = options.minWarehousesPerTask ?? 1;
      const n = min + Math.floor(random() * (options.maxWarehousesPerTask - min + 1));
      const warehouseIds = pickDistinct(options.warehouses, n, random);
      const from = addDaysIso(options.today, Math.floor(random() * 5));
      const to = addDaysIso(from, 3 + Math.floor(random() * 25));
      const skipDates = random() < 0.2 ? [addDaysIso(from, 1 + Math.floor(random() * 3))] : [];
      const r = random();
      const criteria = {
        warehouseIds,
        boxTypeId: r < 0.7 ? 2 : r < 0.9 ? 5 : 6,
        dateFrom: from,
        dateTo: to,
        skipDates,
        maxCoefficient: 0,
        keepWatching: true,
      };
      rows.push([users[Math.floor(i / perUser)]!, JSON.stringify(criteria)]);
    }
    for (let i = 0; i < rows.length; i += 2_000) {
      const chunk = rows.slice(i, i + 2_000);
      await client.query(
        `insert into monitoring_tasks (id, user_id, kind, mode, criteria, state, created_at, updated_at)
         select gen_random_uuid(), u, 'supply', 'notify', c::jsonb, 'idle', now(), now()
         from unnest($1::bigint[], $2::text[]) as t(u, c)`,
        [chunk.map((r) => r[0]), chunk.map((r) => r[1])],
      );
    }
  } finally {
    await client.end();
  }
  return { users };
}

export async function sql<T extends Record<string, unknown>>(databaseUrl: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/**
 * Every cell of these warehouses closed or dear (x2…x20), so no bulk task (free slots only) ever matches and the
 * detection pass does its full work every second; `closed` cells are shut whatever the draw.
 */
export async function shapeWorld(
  stack: Stack,
  warehouses: readonly number[],
  today: string,
  seed: number,
  closed: ReadonlySet<string> = new Set(),
): Promise<void> {
  const random = prng(seed);
  const cells: Array<{ warehouseId: number; date: string; boxTypeId: 2 | 5 | 6; coefficient: number; allowUnload: boolean }> = [];
  for (const warehouseId of warehouses) {
    for (let d = 0; d < 14; d++) {
      const date = addDaysIso(today, d);
      for (const boxTypeId of BOX_TYPES) {
        const open = !closed.has(cellKey(warehouseId, date, boxTypeId)) && random() < 0.55;
        cells.push({ warehouseId, date, boxTypeId, coefficient: open ? 2 + Math.floor(random() * 19) : -1, allowUnload: open });
      }
    }
  }
  for (let i = 0; i < cells.length; i += 50) await Promise.all(cells.slice(i, i + 50).map((c) => stack.control.setCell(c)));
}

export const cellKey = (warehouseId: number, date: string, boxTypeId: number) => `${warehouseId}|${date}|${boxTypeId}`;

// ---------------------------------------------------------------------------------------------------------------------
// Probes

/** Prometheus text → `name{labels}` → value. */
export async function scrape(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

/** Sum of a metric over the series whose labels contain every `match` fragment (e.g. `state="polling"`). */
export function metric(values: Map<string, number>, name: string, ...match: string[]): number {
  let sum = 0;
  for (const [key, value] of values) {
    const base = key.split('{')[0];
    if (base === name && match.every((m) => key.includes(m))) sum += value;
  }
  return sum;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

export interface ProcSample {
  at: number;
  cpuSeconds: number;
  rssBytes: number;
}

export function procSample(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12.
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0);
  return { at: Date.now(), cpuSeconds, rssBytes: rssKb * 1024 };
}

/** Busy and total jiffies of the whole machine (/proc/stat): how loaded it was, whoever loaded it. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function machine(): string {
  const cpus = os.cpus();
  const model = (cpus[0]?.model ?? 'cpu').replace(/\s+\d+-Core Processor|\(R\)|\(TM\)/g, '').trim();
  return `${cpus.length} × ${model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export const loadAverage = () => os.loadavg().map((v) => Number(v.toFixed(2)));

// ---------------------------------------------------------------------------------------------------------------------
// Small helpers

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickDistinct<T>(from: readonly T[], n: number, random: () => number): T[] {
  const pool = [...from];
  const out: T[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  return out;
}

export function addDaysIso(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export const newId = () => randomBytes(4).toString('hex');

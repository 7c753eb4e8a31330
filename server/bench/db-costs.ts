// What a window of running costs PostgreSQL and Redis, read from their own counters (docs/scaling.md's per-task costs):
// PostgreSQL's per-database, per-table and per-index statistics (the bench's database is its own, so nothing else is
// counted), pg_stat_statements when the server has it loaded (calls per statement), and Redis: its command count, and
// every PUBLISH seen by a MONITOR connection (per channel), times the channel's subscribers = messages delivered.
import { Redis } from 'ioredis';
import { sql } from './stack.ts';

interface PgCounters {
  at: number;
  xacts: number;
  rowsRead: number;
  rowsWritten: number;
  /** Statements executed, from pg_stat_statements (null when the extension is not loaded). */
  statements: number | null;
  /** Per statement (pg_stat_statements): calls, rows and milliseconds so far. */
  byStatement: Map<string, { query: string; calls: number; rows: number; ms: number }>;
  tables: Map<string, { written: number; seqScans: number; seqRowsRead: number; idxScans: number }>;
  /** Index entries read, per index. */
  indexes: Map<string, number>;
}

export interface PgCosts {
  seconds: number;
  transactionsPerSecond: number;
  /** Statements per second, when pg_stat_statements is loaded; otherwise null (transactions are then the bound). */
  statementsPerSecond: number | null;
  rowsReadPerSecond: number;
  rowsWrittenPerSecond: number;
  /** The tables that were written or sequentially scanned, busiest first. */
  tables: Array<{
    table: string;
    rowsWrittenPerSecond: number;
    seqScansPerSecond: number;
    seqRowsReadPerSecond: number;
    idxScansPerSecond: number;
  }>;
  /** The five indexes most read (entries a second): where "rows read" goes. */
  indexes: Array<{ index: string; entriesReadPerSecond: number }>;
  /** The eight statements that took most of PostgreSQL's time in the window (pg_stat_statements; empty without it). */
  topStatements: Array<{ query: string; callsPerSecond: number; rowsPerCall: number; msPerCall: number; msPerSecond: number }>;
}

async function pgCounters(databaseUrl: string): Promise<PgCounters> {
  const [db] = await sql<{ xacts: string; read: string; written: string }>(
    databaseUrl,
    `select xact_commit + xact_rollback as xacts, tup_returned + tup_fetched as read,
            tup_inserted + tup_updated + tup_deleted as written
     from pg_stat_database where datname = current_database()`,
  );
  const tables = await sql<{ relname: string; written: string; seq_scan: string; seq_tup_read: string; idx_scan: string | null }>(
    databaseUrl,
    `select relname, n_tup_ins + n_tup_upd + n_tup_del as written, seq_scan, seq_tup_read, idx_scan from pg_stat_user_tables`,
  );
  const indexes = await sql<{ indexrelname: string; idx_tup_read: string }>(
    databaseUrl,
    'select indexrelname, idx_tup_read from pg_stat_user_indexes',
  );
  const perStatement = await sql<{ queryid: string; query: string; calls: string; rows: string; ms: number }>(
    databaseUrl,
    `select queryid::text, query, calls, rows, total_exec_time as ms from pg_stat_statements
     where dbid = (select oid from pg_database where datname = current_database())`,
  ).catch(() => null);
  const statements = perStatement ? perStatement.reduce((sum, row) => sum + Number(row.calls), 0) : null;
  const byStatement = new Map(
    (perStatement ?? []).map((row) => [
      row.queryid,
      { query: row.query.replace(/\s+/g, ' ').slice(0, 240), calls: Number(row.calls), rows: Number(row.rows), ms: Number(row.ms) },
    ]),
  );
  return {
    at: Date.now(),
    xacts: Number(db?.xacts ?? 0),
    rowsRead: Number(db?.read ?? 0),
    rowsWritten: Number(db?.written ?? 0),
    statements,
    byStatement,
    indexes: new Map(indexes.map((i) => [i.indexrelname, Number(i.idx_tup_read)])),
    tables: new Map(
      tables.map((t) => [
        t.relname,
        {
          written: Number(t.written),
          seqScans: Number(t.seq_scan),
          seqRowsRead: Number(t.seq_tup_read),
          idxScans: Number(t.idx_scan ?? 0),
        },
      ]),
    ),
  };
}

/**
 * Start counting; the returned function ends the window and gives the rates. Busy backends flush their statistics at
 * most once a second (idle ones within a second too), so the end waits a little over a second before reading.
 */
export async function measurePostgres(databaseUrl: string): Promise<() => Promise<PgCosts>> {
  const before = await pgCounters(databaseUrl);
  return async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const after = await pgCounters(databaseUrl);
    const seconds = (after.at - before.at) / 1000;
    const rate = (a: number, b: number) => Number(((a - b) / seconds).toFixed(1));
    const tables = [...after.tables]
      .map(([table, t]) => {
        const b = before.tables.get(table) ?? { written: 0, seqScans: 0, seqRowsRead: 0, idxScans: 0 };
        return {
          table,
          rowsWrittenPerSecond: rate(t.written, b.written),
          seqScansPerSecond: rate(t.seqScans, b.seqScans),
          seqRowsReadPerSecond: rate(t.seqRowsRead, b.seqRowsRead),
          idxScansPerSecond: rate(t.idxScans, b.idxScans),
        };
      })
      .filter((t) => t.rowsWrittenPerSecond > 0 || t.seqScansPerSecond > 0 || t.idxScansPerSecond > 0)
      .sort((a, b) => b.rowsWrittenPerSecond + b.seqRowsReadPerSecond - (a.rowsWrittenPerSecond + a.seqRowsReadPerSecond));
    const indexes = [...after.indexes]
      .map(([index, read]) => ({ index, entriesReadPerSecond: rate(read, before.indexes.get(index) ?? 0) }))
      .sort((a, b) => b.entriesReadPerSecond - a.entriesReadPerSecond)
      .slice(0, 5);
    const topStatements = [...after.byStatement]
      .map(([id, now]) => {
        const then = before.byStatement.get(id) ?? { calls: 0, rows: 0, ms: 0 };
        const calls = now.calls - then.calls;
        return {
          query: now.query,
          callsPerSecond: Number((calls / seconds).toFixed(2)),
          rowsPerCall: calls ? Math.round((now.rows - then.rows) / calls) : 0,
          msPerCall: calls ? Number(((now.ms - then.ms) / calls).toFixed(2)) : 0,
          msPerSecond: Number(((now.ms - then.ms) / seconds).toFixed(2)),
        };
      })
      .filter((row) => row.callsPerSecond > 0 && !row.query.includes('pg_stat_'))
      .sort((a, b) => b.msPerSecond - a.msPerSecond)
      .slice(0, 8);
    return {
      seconds: Number(seconds.toFixed(1)),
      indexes,
      topStatements,
      transactionsPerSecond: rate(after.xacts, before.xacts),
      statementsPerSecond: after.statements === null || before.statements === null ? null : rate(after.statements, before.statements),
      rowsReadPerSecond: rate(after.rowsRead, before.rowsRead),
      rowsWrittenPerSecond: rate(after.rowsWritten, before.rowsWritten),
      tables,
    };
  };
}

export interface RedisCosts {
  commandsPerSecond: number;
  /** Bus messages published a second (every channel, from any instance). */
  publishedPerSecond: number;
  /** Messages handed to subscribers a second: each channel's messages × its subscribers (the instances). */
  deliveredPerSecond: number;
  /** Per channel: messages published a second and subscribers at the end of the window. */
  channels: Record<string, { publishedPerSecond: number; subscribers: number }>;
}

async function totalCommands(client: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await client.info('stats'))?.[1] ?? 0);
}

/**
 * Start counting; the returned function ends the window. MONITOR sees every PUBLISH once, whoever sends it, and is no
 * subscriber of anything (PUBSUB NUMSUB counts plain subscriptions only).
 */
export async function measureRedis(url: string): Promise<() => Promise<RedisCosts>> {
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  // PUBLISH commands as Redis serves them, seen by MONITOR: a pattern subscriber would count as a listener of every
  // channel and so change what the servers publish (they skip channels nobody hears).
  const listener = await new Redis(url).monitor();
  const seen = new Map<string, number>();
  listener.on('monitor', (_time: string, args: string[]) => {
    if (args[0]?.toLowerCase() === 'publish' && args[1]) seen.set(args[1], (seen.get(args[1]) ?? 0) + 1);
  });
  const startedAt = Date.now();
  const commandsBefore = await totalCommands(client);
  return async () => {
    try {
      const seconds = (Date.now() - startedAt) / 1000;
      // The measuring's own commands (two INFOs, one PUBSUB) are a handful against thousands: not subtracted (MONITOR's
      // stream is not counted as commands).
      const commands = (await totalCommands(client)) - commandsBefore;
      const names = [...seen.keys()];
      const numsub = names.length ? ((await client.pubsub('NUMSUB', ...names)) as Array<string | number>) : [];
      const channels: RedisCosts['channels'] = {};
      let published = 0;
      let delivered = 0;
      for (let i = 0; i < numsub.length; i += 2) {
        const channel = String(numsub[i]);
        const perSecond = (seen.get(channel) ?? 0) / seconds;
        const subscribers = Number(numsub[i + 1]);
        channels[channel] = { publishedPerSecond: Number(perSecond.toFixed(2)), subscribers };
        published += perSecond;
        delivered += perSecond * subscribers;
      }
      return {
        commandsPerSecond: Math.round(commands / seconds),
        publishedPerSecond: Number(published.toFixed(1)),
        deliveredPerSecond: Number(delivered.toFixed(1)),
        channels,
      };
    } finally {
      client.disconnect();
      listener.disconnect();
    }
  };
}

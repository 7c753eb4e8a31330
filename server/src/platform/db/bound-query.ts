// Statements whose parameters travel to PostgreSQL bound ($1, $2 …), not spelled into the SQL text. MikroORM's
// `execute(sql, params)` inlines every string parameter by escaping it into a new string one character at a time: a
// 2,000-task hand-over (one JSON document of snapshots, ~4 MB) was 12 % of a rebalancing instance's allocations and a
// long synchronous turn (issue 19's per-instance lag). Used for the writes that carry JSON documents.
import type { MikroORM } from '@mikro-orm/postgresql';
import { CompiledQuery } from 'kysely';

/** Runs `sql` (placeholders `$1`, `$2` …) on the ORM's pool, outside any transaction; returns the rows. */
export async function boundQuery<Row>(orm: MikroORM, sql: string, parameters: readonly unknown[]): Promise<Row[]> {
  const result = await orm.em
    .getConnection()
    .getClient()
    .executeQuery<Row>(CompiledQuery.raw(sql, [...parameters]));
  return result.rows;
}

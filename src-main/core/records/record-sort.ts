import { type RawBuilder, sql, type SelectQueryBuilder } from 'kysely';
import type { RecordSort, RecordSortKey } from '../../../src-shared/contract/records';
import { SYSTEM_PROFILES } from '../../../src-shared/domain/remotes';
import type { RecordStatus } from '../../../src-shared/domain/record-kinds';

/**
 * The records list's order, in SQL, so a sorted view of 100k records still pages (only the page
 * on screen is read). Columns sort by what the user sees: systems and kinds by their labels,
 * statuses by urgency, ids numerically where they are numbers; empty values go last either way.
 * Ties go by name, then by id, so pages never overlap.
 */

/** Most urgent first: what needs the technician, then what waits, then what is done. */
const STATUS_URGENCY: readonly RecordStatus[] = ['conflict', 'rejected', 'pending', 'awaiting_approval', 'synced'];

const systems = Object.values(SYSTEM_PROFILES).filter((p) => p !== undefined);

const systemLabel = sql`CASE c.system ${sql.join(
  systems.map((p) => sql`WHEN ${p.system} THEN ${p.label}`),
  sql` `,
)} ELSE c.system END COLLATE NOCASE`;

const kindLabel = sql`CASE ${sql.join(
  systems.flatMap((p) => p.kinds.map((k) => sql`WHEN c.system = ${p.system} AND r.kind = ${k.kind} THEN ${k.label}`)),
  sql` `,
)} ELSE r.kind END COLLATE NOCASE`;

const statusRank = sql`CASE r.status ${sql.join(
  STATUS_URGENCY.map((s, i) => sql`WHEN ${s} THEN ${i}`),
  sql` `,
)} ELSE ${STATUS_URGENCY.length} END`;

/** Sort keys of each column, before the id; `blank` (if any) is true for empty values, which go last. */
const KEYS: Record<RecordSortKey, { blank?: RawBuilder<unknown>; keys: RawBuilder<unknown>[] }> = {
  title: { keys: [sql`r.title COLLATE NOCASE`] },
  subtitle: { blank: sql`r.subtitle = ''`, keys: [sql`r.subtitle COLLATE NOCASE`] },
  system: { keys: [systemLabel] },
  kind: { keys: [kindLabel] },
  connection: { keys: [sql`c.name COLLATE NOCASE`] },
  // Whole numbers as numbers (9 before 10), before other ids; not on the server yet: last.
  remoteId: {
    blank: sql`r.remote_id IS NULL`,
    keys: [sql`(r.remote_id GLOB '*[^0-9]*' OR r.remote_id = '')`, sql`CAST(r.remote_id AS INTEGER)`, sql`r.remote_id COLLATE NOCASE`],
  },
  serial: { blank: sql`r.serial = ''`, keys: [sql`r.serial COLLATE NOCASE`] },
  vendor: { blank: sql`r.vendor = ''`, keys: [sql`r.vendor COLLATE NOCASE`] },
  status: { keys: [statusRank] },
  updatedAt: { keys: [sql`r.updated_at`] },
};

export function orderedBy<DB, TB extends keyof DB, O>(q: SelectQueryBuilder<DB, TB, O>, sort: RecordSort = { by: 'title', dir: 'asc' }): SelectQueryBuilder<DB, TB, O> {
  const { blank, keys } = KEYS[sort.by];
  const dir = sql.raw(sort.dir === 'desc' ? 'DESC' : 'ASC');
  let ordered = blank ? q.orderBy(sql`${blank}`) : q;
  for (const key of keys) ordered = ordered.orderBy(sql`${key} ${dir}`);
  // By title, the same direction for the id: the title index serves that order either way.
  if (sort.by === 'title') return ordered.orderBy(sql`r.id ${dir}`);
  // Within a system, a status..., by name.
  return ordered.orderBy(sql`r.title COLLATE NOCASE`).orderBy(sql`r.id`);
}

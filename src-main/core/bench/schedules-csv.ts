import { parse } from 'csv-parse/sync';
import { toCsv } from '../../../src-shared/domain/csv';
import { type ScheduleRule, scheduleRule } from '../../../src-shared/domain/calibration';
import { SYSTEMS, type SystemId } from '../../../src-shared/domain/record-kinds';
import type { Db } from '../db/schema';
import { UserFacingError } from '../errors';
import type { CalibrationReads } from './calibration-reads';

/**
 * Schedules as CSV, so another bench can take them over (docs/calibration.md). A bench's record
 * ids are its own, so a row names its record twice: by this bench's `record_id`, and by the
 * remote's identity (`system`, `base_url`, `remote_id`), which is what another bench matches on.
 */
export const SCHEDULE_CSV_COLUMNS = ['record_id', 'system', 'connection', 'base_url', 'remote_id', 'title', 'schedule', 'interval_days', 'warning_days', 'lives'] as const;

export async function schedulesCsv(reads: CalibrationReads): Promise<{ csv: string; rows: number }> {
  const all = await reads.schedulesOf();
  const rows = all.map((s) => [
    s.record.id,
    s.record.system,
    s.record.connection_name,
    s.record.base_url,
    s.record.remote_id ?? '',
    s.record.title,
    s.name,
    s.intervalDays,
    s.warningDays,
    s.lives,
  ]);
  return { csv: toCsv(SCHEDULE_CSV_COLUMNS, rows), rows: rows.length };
}

export interface ScheduleSet {
  recordId: string;
  rows: number[];
  rules: ScheduleRule[];
}

/** `toCsv` puts a quote before a leading = + - @ so spreadsheets keep it text; reading takes it off again. */
const unguard = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);
const sameUrl = (a: string, b: string) => a.trim().replace(/\/+$/, '').toLowerCase() === b.trim().replace(/\/+$/, '').toLowerCase();

/**
 * Reads an import: every row must name a record of this bench and a valid schedule, or the error
 * names the row (as a spreadsheet numbers them: the header is row 1) and nothing is imported.
 */
export async function parseSchedulesCsv(db: Db, text: string): Promise<ScheduleSet[]> {
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), bom: true, skip_empty_lines: true, trim: true, relax_column_count: false });
  } catch (error) {
    throw new UserFacingError('validation', `The CSV cannot be read: ${(error as Error).message}. Nothing was imported.`);
  }
  if (records.length === 0) throw new UserFacingError('validation', 'The CSV has no rows under its header. Nothing was imported.');
  const header = Object.keys(records[0]!);
  const missing = ['schedule', 'interval_days', 'warning_days'].filter((c) => !header.includes(c));
  if (!header.includes('record_id') && !(header.includes('system') && header.includes('remote_id'))) missing.push('record_id (or system and remote_id)');
  if (missing.length > 0) throw new UserFacingError('validation', `The CSV lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (export from BenchSync to see the layout). Nothing was imported.`);

  const sets = new Map<string, ScheduleSet>();
  for (const [i, raw] of records.entries()) {
    const rowNo = i + 2;
    const cell = (name: string) => unguard(raw[name] ?? '');
    const fail = (why: string): never => {
      throw new UserFacingError('validation', `Row ${rowNo}: ${why} Nothing was imported.`);
    };
    const recordId = await resolveRecord(db, { recordId: cell('record_id'), system: cell('system'), baseUrl: cell('base_url'), remoteId: cell('remote_id') }, fail);
    const whole = (name: string) => (/^\d+$/.test(cell(name)) ? Number(cell(name)) : fail(`${name} must be a whole number of days, not “${cell(name)}”.`));
    const rule = scheduleRule.safeParse({ name: cell('schedule'), intervalDays: whole('interval_days'), warningDays: whole('warning_days') });
    if (!rule.success) fail(rule.error.issues.map((x) => `${x.path.join('.') === 'name' ? 'schedule' : x.path.join('.')}: ${x.message}`).join(' '));
    const set = sets.get(recordId) ?? { recordId, rows: [], rules: [] };
    const twin = set.rules.findIndex((r) => r.name.toLowerCase() === rule.data!.name.toLowerCase());
    if (twin >= 0) fail(`the schedule “${rule.data!.name}” of this record is already given in row ${set.rows[twin]}.`);
    set.rows.push(rowNo);
    set.rules.push(rule.data!);
    sets.set(recordId, set);
  }
  return [...sets.values()];
}

async function resolveRecord(
  db: Db,
  row: { recordId: string; system: string; baseUrl: string; remoteId: string },
  fail: (why: string) => never,
): Promise<string> {
  if (row.recordId) {
    const here = await db.selectFrom('records').select('id').where('id', '=', row.recordId).where('deleted', '=', 0).executeTakeFirst();
    if (here) return here.id;
  }
  if (!row.system || !row.remoteId) fail(row.recordId ? `no record “${row.recordId}” here, and no system and remote_id to find it by.` : 'give a record_id, or a system and remote_id.');
  if (!(SYSTEMS as readonly string[]).includes(row.system)) fail(`“${row.system}” is not a system BenchSync knows (${SYSTEMS.join(', ')}).`);
  const found = await db
    .selectFrom('records as r')
    .innerJoin('connections as c', 'c.id', 'r.connection_id')
    .select(['r.id', 'c.base_url'])
    .where('c.system', '=', row.system as SystemId)
    .where('r.remote_id', '=', row.remoteId)
    .where('r.deleted', '=', 0)
    .execute();
  const matching = row.baseUrl ? found.filter((f) => sameUrl(f.base_url, row.baseUrl)) : found;
  if (matching.length === 0) fail(`no ${row.system} record with remote id “${row.remoteId}”${row.baseUrl ? ` at ${row.baseUrl}` : ''} is on this bench.`);
  if (matching.length > 1) fail(`${matching.length} ${row.system} records have remote id “${row.remoteId}” here (several connections); give the base_url of the one meant.`);
  return matching[0]!.id;
}

import { sql } from 'kysely';
import type { ApprovalDto } from '../../../src-shared/contract/approvals';
import type { RecordDetailDto, RecordSort, RecordSummaryDto } from '../../../src-shared/contract/records';
import { toCsv } from '../../../src-shared/domain/csv';
import { refusedScopeOf } from '../../../src-shared/domain/record-state';
import { kindProfile, writeScopeOf } from '../../../src-shared/domain/remotes';
import type { RecordKind, RecordStatus, SystemId } from '../../../src-shared/domain/record-kinds';
import { UserFacingError } from '../errors';
import { parseFields } from '../json';
import type { Db } from '../db/schema';
import { approvalOpRecordId, parseProposal } from './proposal';
import { choosePlan, countRecords, type PageRow, pageRows, windowHolds } from './record-page';
import { ftsQuery, listMatch } from './search-match';
import { toDto } from '../outbox/outbox-queries';
import { orderedBy } from './record-sort';

export interface ListFilter {
  text: string;
  kind?: RecordKind;
  connectionId?: string;
  status?: RecordStatus;
  sort?: RecordSort;
  offset: number;
  limit: number;
}

const SUMMARY_COLUMNS = [
  'r.id',
  'r.connection_id',
  'c.system',
  'r.kind',
  'r.remote_id',
  'r.title',
  'r.subtitle',
  'r.vendor',
  'r.serial',
  'r.status',
  'r.editable',
  'r.deleted',
  'r.updated_at',
] as const;

/** A summary row as the list's statements return it (record-page.ts). */
type Row = PageRow;

function toSummary(r: Row): RecordSummaryDto {
  return {
    id: r.id,
    connectionId: r.connection_id,
    system: r.system as SystemId,
    kind: r.kind as RecordKind,
    remoteId: r.remote_id,
    title: r.title,
    subtitle: r.subtitle,
    vendor: r.vendor,
    serial: r.serial,
    status: r.status as RecordStatus,
    editable: r.editable === 1,
    deleted: r.deleted === 1,
    updatedAt: r.updated_at,
  };
}

/** Reads for the renderer: one page at a time, filtered and searched in SQL, never the whole table. */
export class RecordQueries {
  constructor(private readonly db: Db) {}

  /** A page of the list in title order and the exact count, read in one transaction so they agree (record-page.ts). */
  async list(filter: ListFilter): Promise<{ total: number; items: RecordSummaryDto[] }> {
    // Sorted by a column other than the name: the matches in that order (record-sort.ts).
    if (filter.sort && !(filter.sort.by === 'title' && filter.sort.dir === 'asc')) {
      const match = ftsQuery(filter.text);
      let base = this.db.selectFrom('records as r').innerJoin('connections as c', 'c.id', 'r.connection_id');
      if (filter.kind) base = base.where('r.kind', '=', filter.kind);
      if (filter.connectionId) base = base.where('r.connection_id', '=', filter.connectionId);
      if (filter.status) base = base.where('r.status', '=', filter.status);
      if (match) base = base.where(sql<boolean>`r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ${match})`);
      const items = await orderedBy(base.select(SUMMARY_COLUMNS), filter.sort)
        .limit(filter.limit)
        .offset(filter.offset)
        .execute();
      const { n } = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return { total: Number(n), items: items.map(toSummary) };
    }
    return this.db.transaction().execute(async (trx) => {
      const matching = await countRecords(trx, filter);
      const total = matching.n;
      if (total === 0 || filter.offset >= total) return { total, items: [] };
      const all = windowHolds(filter, matching) || !listMatch(filter.text, filter) ? total : (await countRecords(trx, { text: '' })).n;
      const rows = await pageRows(trx, filter, matching, choosePlan(filter, matching, all));
      return { total, items: rows.map(toSummary) };
    });
  }

  /**
   * A scanned code's exact matches. The search index narrows the mirror to the few records with
   * those words; equality (ignoring case) on the id, serial and name columns decides.
   */
  async lookup(code: string): Promise<{ record: RecordSummaryDto; by: 'id' | 'serial' | 'name' }[]> {
    const match = ftsQuery(code);
    if (!match) return [];
    const c = code.trim().toLowerCase();
    const rows = await this.db
      .selectFrom('records as r')
      .innerJoin('connections as c', 'c.id', 'r.connection_id')
      .select(SUMMARY_COLUMNS)
      .where(sql<boolean>`r.rowid IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ${match})`)
      .where((eb) => eb.or([eb(sql`unicode_lower(r.remote_id)`, '=', c), eb(sql`unicode_lower(r.serial)`, '=', c), eb(sql`unicode_lower(r.title)`, '=', c)]))
      .orderBy(sql`r.title COLLATE NOCASE`)
      .limit(50)
      .execute();
    return rows.map((r) => ({
      record: toSummary(r),
      by: (r.remote_id ?? '').toLowerCase() === c ? 'id' : r.serial.toLowerCase() === c ? 'serial' : 'name',
    }));
  }

  /** One record's summary by its BenchSync id; null when there is none. */
  async summary(id: string): Promise<RecordSummaryDto | null> {
    const row = await this.db
      .selectFrom('records as r')
      .innerJoin('connections as c', 'c.id', 'r.connection_id')
      .select(SUMMARY_COLUMNS)
      .where('r.id', '=', id)
      .executeTakeFirst();
    return row ? toSummary(row) : null;
  }

  /** The whole current view as CSV: summary columns, then every native field. Keys never appear here. */
  async exportCsv(filter: Omit<ListFilter, 'offset' | 'limit'>): Promise<{ filename: string; csv: string; rows: number }> {
    const rows: { summary: RecordSummaryDto; fields: Record<string, unknown> }[] = [];
    const pageSize = 2_000;
    for (let offset = 0; ; offset += pageSize) {
      const page = await this.list({ ...filter, offset, limit: pageSize });
      if (page.items.length === 0) break;
      const fields = await this.db
        .selectFrom('records')
        .select(['id', 'fields'])
        .where('id', 'in', page.items.map((i) => i.id))
        .execute();
      const byId = new Map(fields.map((f) => [f.id, parseFields(f.fields)]));
      for (const summary of page.items) rows.push({ summary, fields: byId.get(summary.id) ?? {} });
      if (page.items.length < pageSize) break;
    }
    const fieldNames = [...new Set(rows.flatMap((r) => Object.keys(r.fields)))].sort();
    const header = ['system', 'kind', 'remote_id', 'title', 'subtitle', 'status', ...fieldNames];
    const csv = toCsv(
      header,
      rows.map((r) => [r.summary.system, r.summary.kind, r.summary.remoteId, r.summary.title, r.summary.subtitle, r.summary.status, ...fieldNames.map((f) => r.fields[f])]),
    );
    const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
    return { filename: `benchsync-${filter.kind ?? 'records'}-${stamp}.csv`, csv, rows: rows.length };
  }

  async get(id: string): Promise<RecordDetailDto> {
    const r = await this.db
      .selectFrom('records as r')
      .innerJoin('connections as c', 'c.id', 'r.connection_id')
      .select([...SUMMARY_COLUMNS, 'r.fields', 'r.remote_fields', 'r.conflict_fields', 'r.proposal', 'r.synced_at'])
      .where('r.id', '=', id)
      .executeTakeFirst();
    if (!r) throw new UserFacingError('not_found', 'That record no longer exists here.');
    const ops = await this.db.selectFrom('outbox').selectAll().where('record_id', '=', id).orderBy('id').execute();
    const fields = parseFields(r.fields);
    return {
      ...toSummary(r),
      fields,
      remoteFields: r.remote_fields === null ? null : parseFields(r.remote_fields),
      conflictFields: r.conflict_fields ? (JSON.parse(r.conflict_fields) as string[]) : [],
      proposal: parseProposal(r.proposal),
      ops: ops.map((o) => toDto(o, r.title)),
      lastSyncedAt: r.synced_at,
      readOnlyScope: r.editable === 1 ? null : await this.refusedScope(r.system as SystemId, r.kind as RecordKind, r.connection_id, fields),
    };
  }

  /** The refused choice a record's write permission follows (record-state.ts `refusedScopeOf`), with its field's label. */
  private async refusedScope(system: SystemId, kind: RecordKind, connectionId: string, fields: Record<string, unknown>) {
    const scope = writeScopeOf(system, kind);
    if (!scope) return null;
    const value = fields[scope.field];
    if (value === undefined || value === null || value === '') return null;
    const row = await this.db
      .selectFrom('categories')
      .select(['remote_id', 'name', 'write_refused_at'])
      .where('connection_id', '=', connectionId)
      .where('source', '=', scope.source)
      .where('remote_id', '=', String(value))
      .executeTakeFirst();
    const refused = row ? refusedScopeOf(scope.field, fields, [{ remoteId: row.remote_id, name: row.name, writeRefused: row.write_refused_at !== null }]) : null;
    return refused ? { field: scope.field, label: scope.label, name: refused.name } : null;
  }

  /** The review queue: pulled approvals, with any decision queued here and its fate. */
  async approvals(connectionId?: string): Promise<ApprovalDto[]> {
    let q = this.db.selectFrom('approvals as a').innerJoin('connections as c', 'c.id', 'a.connection_id').selectAll('a').select('c.system');
    if (connectionId) q = q.where('a.connection_id', '=', connectionId);
    const rows = await q.orderBy('a.status').orderBy('a.remote_id').execute();
    const out: ApprovalDto[] = [];
    for (const a of rows) {
      const fields = parseFields(a.fields);
      const op = await this.db
        .selectFrom('outbox')
        .select(['type', 'state', 'last_error'])
        .where('record_id', '=', approvalOpRecordId(a.connection_id, a.remote_id))
        .orderBy('id', 'desc')
        .executeTakeFirst();
      const live = a.instance_remote_id
        ? await this.db
            .selectFrom('records')
            .select('fields')
            .where('connection_id', '=', a.connection_id)
            .where('kind', '=', a.kind)
            .where('remote_id', '=', a.instance_remote_id)
            .executeTakeFirst()
        : undefined;
      out.push({
        connectionId: a.connection_id,
        approvalId: a.remote_id,
        kind: a.kind as RecordKind,
        action: a.action as ApprovalDto['action'],
        status: a.status as ApprovalDto['status'],
        title: kindProfile(a.system as SystemId, a.kind as RecordKind).summarize(fields).title,
        fields,
        liveFields: live ? parseFields(live.fields) : null,
        queuedDecision: op ? (op.type as 'accept' | 'reject') : null,
        decisionError: op?.state === 'rejected' ? op.last_error : null,
      });
    }
    return out;
  }

  /** A pick list as last pulled: the categories, or another `source` a form field names (e.g. 'setups'). */
  async categories(connectionId: string, source = 'categories') {
    const rows = await this.db
      .selectFrom('categories')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('source', '=', source)
      .orderBy('name')
      .execute();
    return rows.map((c) => ({ connectionId: c.connection_id, remoteId: c.remote_id, name: c.name, description: c.description, writable: c.write_refused_at === null }));
  }
}

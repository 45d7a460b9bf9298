import type { HistoryEntryDto } from '../../../src-shared/contract/history';
import type { RecordKind, SystemId } from '../../../src-shared/domain/record-kinds';
import { kindProfile } from '../../../src-shared/domain/remotes';
import { pickListOf } from '../../../src-shared/domain/remotes/profile';
import type { Db } from '../db/schema';
import type { HistoryEntryRow } from './history-queries';

/**
 * History entries as people read them: field labels, pick-list names instead of ids, the
 * connection's and the record's names (the last known title for a record that is gone).
 */
export class HistoryView {
  constructor(private readonly db: Db) {}

  async describe(rows: readonly HistoryEntryRow[]): Promise<HistoryEntryDto[]> {
    const connections = new Map<string, { name: string; system: SystemId } | null>();
    const titles = new Map<string, string>();
    const pickLists = new Map<string, Map<string, string>>();
    for (const r of rows) {
      if (!connections.has(r.connectionId)) {
        const c = await this.db.selectFrom('connections').select(['name', 'system']).where('id', '=', r.connectionId).executeTakeFirst();
        connections.set(r.connectionId, c ? { name: c.name, system: c.system as SystemId } : null);
      }
      if (!titles.has(r.recordId)) titles.set(r.recordId, await this.titleOf(r.recordId));
    }
    const out: HistoryEntryDto[] = [];
    for (const r of rows) {
      const c = connections.get(r.connectionId) ?? null;
      const spec = c && r.field ? kindProfileOrNull(c.system, r.kind)?.fields.find((f) => f.name === r.field) : undefined;
      const pick = spec ? pickListOf(spec) : null;
      let names: Map<string, string> | undefined;
      if (pick) {
        const key = `${r.connectionId}\u0000${pick.source}`;
        names = pickLists.get(key);
        if (!names) {
          const items = await this.db.selectFrom('categories').select(['remote_id', 'name']).where('connection_id', '=', r.connectionId).where('source', '=', pick.source).execute();
          names = new Map(items.map((i) => [i.remote_id, i.name]));
          pickLists.set(key, names);
        }
      }
      const text = (v: unknown) => readable(v, (id) => names?.get(id) ?? spec?.optionLabels?.[id]);
      out.push({
        id: r.id,
        at: r.at,
        osUser: r.osUser,
        account: r.account,
        connectionId: r.connectionId,
        connectionName: c?.name ?? null,
        recordId: r.recordId,
        remoteId: r.remoteId,
        recordTitle: titles.get(r.recordId) ?? '',
        kind: r.kind,
        source: r.source,
        event: r.event,
        field: r.field,
        fieldLabel: spec?.label ?? r.field,
        ...(r.before !== undefined ? { before: r.before } : {}),
        ...(r.after !== undefined ? { after: r.after } : {}),
        beforeText: r.event === 'field' ? text(r.before) : null,
        afterText: r.event === 'field' ? text(r.after) : null,
        opId: r.opId,
        opFate: r.opFate,
        detail: r.detail,
        reason: r.reason,
      });
    }
    return out;
  }

  private async titleOf(recordId: string): Promise<string> {
    const rec = await this.db.selectFrom('records').select('title').where('id', '=', recordId).executeTakeFirst();
    if (rec) return rec.title;
    // Gone: the name it last had, from its own history.
    const last = await this.db
      .selectFrom('history')
      .select(['after', 'before', 'field', 'event'])
      .where('record_id', '=', recordId)
      .where((eb) => eb.or([eb('field', 'in', ['name', 'source_name']), eb('event', 'in', ['record_removed', 'record_added'])]))
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last) return '';
    const value = last.event === 'record_removed' ? last.before : last.after;
    const parsed: unknown = value === null ? null : JSON.parse(value);
    if (parsed && typeof parsed === 'object') {
      const f = parsed as Record<string, unknown>;
      return String(f.name ?? f.source_name ?? '');
    }
    return typeof parsed === 'string' ? parsed : '';
  }
}

function kindProfileOrNull(system: SystemId, kind: string) {
  try {
    return kindProfile(system, kind as RecordKind);
  } catch {
    return null;
  }
}

/** A value in words: empty as "(empty)", lists joined, pick-list ids by their names. */
export function readable(value: unknown, nameOf: (id: string) => string | undefined): string {
  if (value === undefined || value === null || value === '') return '(empty)';
  if (Array.isArray(value)) return value.length === 0 ? '(empty)' : value.map((v) => readable(v, nameOf)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  const s = String(value);
  return nameOf(s) ?? s;
}

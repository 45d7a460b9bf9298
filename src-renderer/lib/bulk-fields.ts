import type { RecordSummaryDto } from '../../src-shared/contract';
import type { RecordKind, SystemId } from '../../src-shared/domain/record-kinds';
import { pickListOf, SYSTEM_PROFILES, type FieldSpec, type KindProfile } from '../../src-shared/domain/remotes';

type Scope = Pick<RecordSummaryDto, 'system' | 'kind' | 'connectionId'>;

/** A field the bulk edit can set, and the records it applies to. */
export interface BulkField {
  key: string;
  system: SystemId;
  kind: RecordKind;
  /** A pick list's choices (e.g. BrainSTEM setups) are one connection's: such a field is offered per connection. */
  connectionId: string | null;
  profile: KindProfile;
  spec: FieldSpec;
}

/**
 * The fields the ticked records' kinds declare for bulk edits (`bulkFields` in their profiles),
 * each once; pick-list fields once per connection.
 */
export function bulkFieldsOf(records: Iterable<Scope>): BulkField[] {
  const out = new Map<string, BulkField>();
  for (const r of records) {
    const profile = SYSTEM_PROFILES[r.system]?.kinds.find((k) => k.kind === r.kind);
    if (!profile?.canUpdate) continue;
    for (const name of profile.bulkFields ?? []) {
      const spec = profile.fields.find((f) => f.name === name);
      if (!spec || spec.readOnly || spec.createOnly) continue;
      const connectionId = pickListOf(spec) ? r.connectionId : null;
      const key = [r.system, r.kind, name, connectionId ?? ''].join('/');
      if (!out.has(key)) out.set(key, { key, system: r.system, kind: r.kind, connectionId, profile, spec });
    }
  }
  return [...out.values()];
}

/** Whether the field is one of this record's (its system and kind; for a pick list, its connection too). */
export function appliesTo(field: BulkField, record: Scope): boolean {
  return record.system === field.system && record.kind === field.kind && (field.connectionId === null || record.connectionId === field.connectionId);
}

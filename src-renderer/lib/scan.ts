import type { RecordDetailDto, RecordSummaryDto } from '../../src-shared/contract';
import type { Fields } from '../../src-shared/domain/record-kinds';
import { SYSTEM_PROFILES, type KindProfile } from '../../src-shared/domain/remotes';
import { str } from '../../src-shared/domain/remotes/profile';
import { validateWith } from '../../src-shared/domain/validation';

/**
 * The scan box: a barcode scanner types an id or serial and Enter. A record matches when the code
 * is exactly (ignoring case and surrounding spaces) its remote id, its client-chosen key (e.g.
 * Cannlytics' `instrument_id`), its serial, or its name.
 */
export type MatchedBy = 'id' | 'serial' | 'name';

export interface ScanMatch {
  record: RecordSummaryDto;
  by: MatchedBy;
}

const norm = (s: unknown) => str(s).trim().toLowerCase();

function profileOf(r: Pick<RecordSummaryDto, 'system' | 'kind'>): KindProfile | undefined {
  return SYSTEM_PROFILES[r.system]?.kinds.find((k) => k.kind === r.kind);
}

/** What the summary alone shows: the remote id or the name. */
export function matchSummary(code: string, r: RecordSummaryDto): MatchedBy | null {
  const c = norm(code);
  if (r.remoteId !== null && norm(r.remoteId) === c) return 'id';
  if (norm(r.title) === c) return 'name';
  return null;
}

/** What only the fields show: the client-chosen key or the serial. */
export function matchFields(code: string, r: Pick<RecordDetailDto, 'system' | 'kind' | 'fields'>): MatchedBy | null {
  const c = norm(code);
  const profile = profileOf(r);
  if (!profile) return null;
  if (profile.remoteKeyField && norm(r.fields[profile.remoteKeyField]) === c) return 'id';
  const serial = profile.summarize(r.fields).serial;
  if (serial && norm(serial) === c) return 'serial';
  return null;
}

/**
 * Where a scanned code goes in a new record of this kind: its client-chosen key, else the field
 * the kind's serial comes from, else the one its name comes from (a field whose own rules refuse
 * the code, e.g. an RRID that must start with "RRID:", is passed over). Null when none fits.
 */
export function scanPrefill(profile: KindProfile, code: string): { field: string } | null {
  if (profile.remoteKeyField) return { field: profile.remoteKeyField };
  const candidates = profile.fields.filter((f) => f.input === 'text' && !f.readOnly);
  const accepts = (name: string) => {
    const checked = validateWith(profile.schema, { [name]: code } as Fields);
    return checked.ok || !(name in checked.errors);
  };
  for (const pick of ['serial', 'title'] as const) {
    for (const f of candidates) {
      if (profile.summarize({ [f.name]: code })[pick] === code && accepts(f.name)) return { field: f.name };
    }
  }
  return null;
}

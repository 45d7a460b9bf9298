import type { RecordSummaryDto } from '../../src-shared/contract';
import type { Fields } from '../../src-shared/domain/record-kinds';
import type { KindProfile } from '../../src-shared/domain/remotes';
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

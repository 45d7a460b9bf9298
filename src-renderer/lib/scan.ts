import type { Connection, ScanMatchDto, ScanMatchKind } from '../../src-shared/contract';
import type { Fields, RecordKind } from '../../src-shared/domain/record-kinds';
import { SYSTEM_PROFILES, type KindProfile } from '../../src-shared/domain/remotes';
import { validateWith } from '../../src-shared/domain/validation';

/**
 * Scanning: a barcode scanner types an id or serial and Enter. A record matches exactly when the
 * code is (ignoring case and surrounding spaces) its remote id, its client-chosen key (e.g.
 * Cannlytics' `instrument_id`), its BenchSync id, its serial, or its name; the core's
 * `scan.resolve` answers those first, then records the search finds for the code's words.
 */
export type MatchedBy = ScanMatchKind;
export type ScanMatch = ScanMatchDto;

/** How a match is named in a result: "matched by serial". */
export const MATCHED_BY_LABEL: Record<MatchedBy, string> = { id: 'id', serial: 'serial', name: 'name', search: 'search' };

/** Query parameters a label's URL may carry its code in, most specific first. */
const CODE_PARAMS = ['code', 'asset', 'serial', 'sn', 'id', 'tag', 'barcode'];

/**
 * The code a scan carries. QR labels often hold a link to the asset's page rather than the bare
 * code: `https://lab.example/assets/asset-0042`, `…/label?code=asset-0042`. The code is then a
 * query parameter named like one (`CODE_PARAMS`), else the last part of the path, else the
 * fragment. Anything that is not an http(s) link is the code itself (trimmed).
 */
export function codeFromScan(raw: string): string {
  const text = raw.trim();
  if (!/^https?:\/\//i.test(text)) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text;
  }
  const params = new Map([...url.searchParams].map(([k, v]) => [k.toLowerCase(), v.trim()]));
  for (const name of CODE_PARAMS) {
    const value = params.get(name);
    if (value) return value;
  }
  const segment = url.pathname.split('/').filter(Boolean).pop();
  if (segment) return decodeURIComponentSafe(segment).trim() || text;
  const fragment = decodeURIComponentSafe(url.hash.slice(1)).trim();
  return fragment || text;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Where a scanned code goes in a new record of this kind: its client-chosen key (the id the
 * record will have), else the text field its serial comes from. A field whose own rules refuse
 * the code (e.g. an RRID must start with "RRID:") is passed over. Never the name: a code is not
 * a name. Null when the kind has no such field.
 */
export function scanPrefill(profile: KindProfile, code: string): { field: string } | null {
  const accepts = (name: string) => {
    const checked = validateWith(profile.schema, { [name]: code } as Fields);
    return checked.ok || !(name in checked.errors);
  };
  if (profile.remoteKeyField && accepts(profile.remoteKeyField)) return { field: profile.remoteKeyField };
  for (const f of profile.fields) {
    if (f.input !== 'text' || f.readOnly || f.name === profile.remoteKeyField) continue;
    if (profile.summarize({ [f.name]: code }).serial === code && accepts(f.name)) return { field: f.name };
  }
  return null;
}

/** One connection and kind a new record with a scanned code could be made in, and where the code would go. */
export interface ScanTarget {
  connection: Connection;
  kind: RecordKind;
  kindLabel: string;
  /** The id or serial field that takes the code; null when this kind has none that accepts it. */
  field: { name: string; label: string } | null;
}

/** Every connection and kind that can create records, those that can hold the code first. */
export function scanTargets(connections: readonly Connection[], code: string): ScanTarget[] {
  const targets = connections.flatMap((connection) =>
    (SYSTEM_PROFILES[connection.system]?.kinds ?? [])
      .filter((k) => k.canCreate)
      .map((profile): ScanTarget => {
        const prefill = scanPrefill(profile, code);
        const label = prefill ? (profile.fields.find((f) => f.name === prefill.field)?.label ?? prefill.field) : '';
        return { connection, kind: profile.kind, kindLabel: profile.label, field: prefill ? { name: prefill.field, label } : null };
      }),
  );
  return [...targets.filter((t) => t.field), ...targets.filter((t) => !t.field)];
}

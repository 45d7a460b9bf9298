/**
 * The scan code of a record: what its label's QR carries and prints, chosen so that scanning it
 * reaches the record again. The scan box reduces a scan to its code (`codeFromScan` in
 * src-renderer/lib/scan.ts) and asks `records.lookup`, which matches a code exactly, ignoring
 * case, against a record's remote id (or client-chosen key, e.g. Cannlytics' `instrument_id`),
 * its serial and its name (src-main/core/records/record-queries.ts). docs/labels.md says why.
 */

/** The longest code `records.lookup` takes (its request schema). */
export const SCAN_CODE_MAX = 200;

export interface ScanCodeSource {
  remoteId: string | null;
  serial: string;
}

/**
 * Whether the scan box would hand this code to the lookup unchanged and the lookup would find it:
 * - already trimmed (a scan is trimmed), at most SCAN_CODE_MAX long, on one line (no control
 *   characters: a scanner types a line, and ends it with Enter);
 * - with a letter or a digit (the lookup narrows by the search index's words; a code of
 *   punctuation only is never looked up);
 * - not a web link (a link is reduced to the code inside it).
 */
export function isResolvableCode(code: string): boolean {
  if (code.length === 0 || code.length > SCAN_CODE_MAX || code !== code.trim()) return false;
  if (/\p{Cc}/u.test(code) || !/[\p{L}\p{N}]/u.test(code)) return false;
  return !/^https?:\/\//i.test(code);
}

/** A bare number: every system that numbers its rows has a record 42, so it says least about which. */
const isBareNumber = (code: string) => /^\d+$/.test(code);

/**
 * The record's scan code: its remote id, which never changes once the remote gave it (or the key
 * the lab chose, for Cannlytics); its serial where the record has no id yet, or where the id is
 * only a row number and the serial names the very instrument (Atomscale's `serial_identifier`).
 * Null when neither would scan back to the record (a record made here and not yet sent, with no
 * serial): it has nothing a label could carry yet.
 */
export function scanCodeOf(record: ScanCodeSource): string | null {
  const id = record.remoteId ?? '';
  const serial = record.serial;
  const candidates = isBareNumber(id) ? [serial, id] : [id, serial];
  return candidates.find(isResolvableCode) ?? null;
}

import { create } from 'zustand';
import { client, errorMessage } from '../core/client';
import { matchFields, matchSummary, type ScanMatch } from '../lib/scan';

/** Candidates the search index gives for a code; the exact matches are picked from these. */
const CANDIDATES = 100;

type ScanState =
  | { phase: 'idle' }
  | { phase: 'looking'; code: string }
  /** Several records carry the code, or none does (matches is empty). */
  | { phase: 'found'; code: string; matches: ScanMatch[] }
  | { phase: 'failed'; code: string; message: string };

interface ScanStore {
  state: ScanState;
  /** Looks the code up; resolves to the matches (the caller opens a single one). */
  lookUp(code: string): Promise<ScanMatch[] | null>;
  dismiss(): void;
}

let seq = 0;

/**
 * The scan box's lookup: the search index narrows the mirror to a few candidates (ids, serials and
 * names are indexed), and only exact matches count; fields are read only for candidates whose
 * summary does not already match.
 */
export const useScan = create<ScanStore>((set) => ({
  state: { phase: 'idle' },
  async lookUp(raw) {
    const code = raw.trim();
    if (!code) return null;
    const mine = ++seq;
    set({ state: { phase: 'looking', code } });
    try {
      const matches = /[\p{L}\p{N}]/u.test(code) ? await findExact(code) : [];
      if (mine !== seq) return null;
      set({ state: matches.length === 1 ? { phase: 'idle' } : { phase: 'found', code, matches } });
      return matches;
    } catch (error) {
      if (mine === seq) set({ state: { phase: 'failed', code, message: errorMessage(error) } });
      return null;
    }
  },
  dismiss() {
    seq++;
    set({ state: { phase: 'idle' } });
  },
}));

async function findExact(code: string): Promise<ScanMatch[]> {
  const { items } = await client.call('records.list', { text: code, offset: 0, limit: CANDIDATES });
  const matches: ScanMatch[] = [];
  const unsure = [];
  for (const record of items) {
    const by = matchSummary(code, record);
    if (by) matches.push({ record, by });
    else unsure.push(record);
  }
  const details = await Promise.all(unsure.map((r) => client.call('records.get', { id: r.id }).catch(() => null)));
  unsure.forEach((record, i) => {
    const detail = details[i];
    const by = detail ? matchFields(code, detail) : null;
    if (by) matches.push({ record, by });
  });
  return matches;
}

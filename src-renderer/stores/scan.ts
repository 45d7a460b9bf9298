import { create } from 'zustand';
import { client, errorMessage } from '../core/client';
import type { ScanMatch } from '../lib/scan';

/** Candidates the search index gives for a code; the exact matches are picked from these. */

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

/** The scan box's lookup: the core finds exact matches of the code (id, key, serial or name). */
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
  return (await client.call('records.lookup', { code })).matches;
}

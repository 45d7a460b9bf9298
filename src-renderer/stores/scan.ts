import { create } from 'zustand';
import { client, errorMessage } from '../core/client';
import { codeFromScan, type MatchedBy, type ScanMatch } from '../lib/scan';
import { useRecords } from './records';
import { useSelection } from './selection';
import { useUi } from './ui';

type ScanState =
  | { phase: 'idle' }
  | { phase: 'looking'; code: string }
  /** Several records carry the code, or none does (matches is empty), or one while a form is open. */
  | { phase: 'found'; code: string; matches: ScanMatch[] }
  /** Nothing has the code and the user asked for a new record with it: which connection and kind? */
  | { phase: 'choosing'; code: string }
  | { phase: 'failed'; code: string; message: string };

interface ScanStore {
  state: ScanState;
  /** What the scan box shows: what is being typed there, or the code last scanned anywhere. */
  draft: string;
  /** Told to screen readers after a scan opened a record. */
  announce: string;
  setDraft(text: string): void;
  /**
   * Looks a scan up (the scan box's Enter, or a scanner's burst anywhere; a link is reduced to
   * its code). One match opens at once, except while a form is open: a stray scan must not
   * throw away what is being typed, so the match is listed to choose. Resolves to whether a
   * record was opened.
   */
  scan(raw: string): Promise<boolean>;
  /** Opens a matched record; the search that was shown before goes, so the list shows it too. */
  open(match: ScanMatch): void;
  /** After "New record with this code": ask where it goes. */
  chooseTarget(): void;
  dismiss(): void;
}

const BY_LABEL: Record<MatchedBy, string> = { id: 'id', serial: 'serial', name: 'name' };

let seq = 0;

/** The scan box's lookup: the core finds exact matches of the code (id, key, serial or name). */
export const useScan = create<ScanStore>((set, get) => ({
  state: { phase: 'idle' },
  draft: '',
  announce: '',
  setDraft: (draft) => set({ draft }),
  async scan(raw) {
    const code = codeFromScan(raw);
    if (!code) return false;
    const mine = ++seq;
    set({ state: { phase: 'looking', code }, draft: code, announce: '' });
    try {
      const matches = /[\p{L}\p{N}]/u.test(code) ? await findExact(code) : [];
      if (mine !== seq) return false;
      if (matches.length === 1 && !useUi.getState().form) {
        set({ state: { phase: 'idle' } });
        get().open(matches[0]!);
        return true;
      }
      set({ state: { phase: 'found', code, matches } });
    } catch (error) {
      if (mine === seq) set({ state: { phase: 'failed', code, message: errorMessage(error) } });
    }
    return false;
  },
  open(match) {
    seq++;
    const ui = useUi.getState();
    ui.openForm(null);
    ui.show('records');
    if (useRecords.getState().query.text) useRecords.getState().setQuery({ text: '' });
    ui.requestSearchClear();
    set({ state: { phase: 'idle' }, announce: `Opened “${match.record.title}” (matched by ${BY_LABEL[match.by]}).` });
    void useSelection.getState().select(match.record.id);
  },
  chooseTarget() {
    const state = get().state;
    if (state.phase === 'found') set({ state: { phase: 'choosing', code: state.code } });
  },
  dismiss() {
    seq++;
    set({ state: { phase: 'idle' } });
  },
}));

async function findExact(code: string): Promise<ScanMatch[]> {
  return (await client.call('records.lookup', { code })).matches;
}

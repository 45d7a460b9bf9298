import { create } from 'zustand';
import { client, errorMessage } from '../core/client';
import { codeFromScan, MATCHED_BY_LABEL, type ScanMatch } from '../lib/scan';
import { useRecords } from './records';
import { useSelection } from './selection';
import { useUi } from './ui';

type ScanState =
  | { phase: 'idle' }
  | { phase: 'looking'; code: string }
  /**
   * Several records carry the code, or none does (matches is empty), or one while a form is open.
   * `similar`: records the search finds for the code's words, offered when none carries it exactly.
   */
  | { phase: 'found'; code: string; matches: ScanMatch[]; similar: ScanMatch[] }
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
  /** The same question for a code scanned elsewhere (a scan session's unknown code). */
  newWithCode(code: string): void;
  dismiss(): void;
}

let seq = 0;

/** The scan box's lookup: the core finds exact matches of the code (id, key, serial or name), then similar records. */
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
      const found = /[\p{L}\p{N}]/u.test(code) ? await resolve(code) : [];
      if (mine !== seq) return false;
      const matches = found.filter((m) => m.exact);
      if (matches.length === 1 && !useUi.getState().form) {
        set({ state: { phase: 'idle' } });
        get().open(matches[0]!);
        return true;
      }
      set({ state: { phase: 'found', code, matches, similar: matches.length === 0 ? found.filter((m) => !m.exact) : [] } });
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
    set({ state: { phase: 'idle' }, announce: `Opened “${match.record.title}” (matched by ${MATCHED_BY_LABEL[match.by]}).` });
    void useSelection.getState().select(match.record.id);
  },
  chooseTarget() {
    const state = get().state;
    if (state.phase === 'found') set({ state: { phase: 'choosing', code: state.code } });
  },
  newWithCode(code) {
    seq++;
    set({ state: { phase: 'choosing', code }, draft: code });
  },
  dismiss() {
    seq++;
    set({ state: { phase: 'idle' } });
  },
}));

async function resolve(code: string): Promise<ScanMatch[]> {
  return (await client.call('scan.resolve', { code })).matches;
}

import { create } from 'zustand';
import type { RecordKind } from '../../src-shared/domain/record-kinds';

export type View = 'records' | 'pending' | 'approvals' | 'connections' | 'history';

export type RecordForm =
  /** `scanned`: a code the scan box found no record for, to prefill (as the key, serial or name). */
  | { mode: 'create'; kind?: RecordKind; connectionId?: string; scanned?: string }
  /** `fromProposal`: start from the values of the record's rejected proposal, to resubmit it. */
  | { mode: 'edit'; id: string; fromProposal?: boolean }
  /** One of the kind profile's quick actions on a record: a few fields, prefilled. */
  | { mode: 'quick'; id: string; actionId: string };

interface UiState {
  view: View;
  /** The create/edit form in the records view's right pane, if open. */
  form: RecordForm | null;
  /** Bumped to ask the search box to take focus. */
  focusSearch: number;
  /** Bumped to ask the scan box to take focus. */
  focusScan: number;
  /** Bumped to ask the search box to drop its text (a scan opened a record). */
  clearSearch: number;
  /** Bumped to ask the record's detail to ask "Delete?" (the Delete key, the command palette). */
  askDelete: number;
  /** The record whose detail heading takes focus once shown (after its form closed). */
  focusDetailOf: string | null;
  show(view: View): void;
  openForm(form: RecordForm | null): void;
  requestSearchFocus(): void;
  requestScanFocus(): void;
  requestSearchClear(): void;
  requestDelete(): void;
  requestDetailFocus(id: string | null): void;
}

export const useUi = create<UiState>((set) => ({
  view: 'records',
  form: null,
  focusSearch: 0,
  focusScan: 0,
  clearSearch: 0,
  askDelete: 0,
  focusDetailOf: null,
  show: (view) => set({ view }),
  openForm: (form) => set({ form, ...(form ? { view: 'records' as const } : {}) }),
  requestSearchFocus: () => set((s) => ({ view: 'records', focusSearch: s.focusSearch + 1 })),
  requestScanFocus: () => set((s) => ({ focusScan: s.focusScan + 1 })),
  requestSearchClear: () => set((s) => ({ clearSearch: s.clearSearch + 1 })),
  requestDelete: () => set((s) => ({ askDelete: s.askDelete + 1 })),
  requestDetailFocus: (id) => set({ focusDetailOf: id }),
}));

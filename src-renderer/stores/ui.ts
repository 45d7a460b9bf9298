import { create } from 'zustand';
import type { RecordKind } from '../../src-shared/domain/record-kinds';

export type View = 'records' | 'pending' | 'approvals' | 'connections';

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
  show(view: View): void;
  openForm(form: RecordForm | null): void;
  requestSearchFocus(): void;
  requestScanFocus(): void;
}

export const useUi = create<UiState>((set) => ({
  view: 'records',
  form: null,
  focusSearch: 0,
  focusScan: 0,
  show: (view) => set({ view }),
  openForm: (form) => set({ form, ...(form ? { view: 'records' as const } : {}) }),
  requestSearchFocus: () => set((s) => ({ view: 'records', focusSearch: s.focusSearch + 1 })),
  requestScanFocus: () => set((s) => ({ focusScan: s.focusScan + 1 })),
}));

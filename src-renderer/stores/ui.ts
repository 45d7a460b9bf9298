import { create } from 'zustand';
import type { RecordKind } from '../../src-shared/domain/record-kinds';

export type View = 'records' | 'pending' | 'approvals' | 'connections';

export type RecordForm =
  | { mode: 'create'; kind?: RecordKind; connectionId?: string }
  | { mode: 'edit'; id: string }
  /** One of the kind profile's quick actions on a record: a few fields, prefilled. */
  | { mode: 'quick'; id: string; actionId: string };

interface UiState {
  view: View;
  /** The create/edit form in the records view's right pane, if open. */
  form: RecordForm | null;
  /** Bumped to ask the search box to take focus. */
  focusSearch: number;
  show(view: View): void;
  openForm(form: RecordForm | null): void;
  requestSearchFocus(): void;
}

export const useUi = create<UiState>((set) => ({
  view: 'records',
  form: null,
  focusSearch: 0,
  show: (view) => set({ view }),
  openForm: (form) => set({ form, ...(form ? { view: 'records' as const } : {}) }),
  requestSearchFocus: () => set((s) => ({ view: 'records', focusSearch: s.focusSearch + 1 })),
}));

import { create } from 'zustand';
import type { RecordKind } from '../../src-shared/domain/record-kinds';
import { DEFAULT_COLUMNS, isColumnKey, type ColumnKey } from '../lib/record-columns';

export type View = 'records' | 'pending' | 'approvals' | 'connections' | 'history' | 'calibration' | 'session';

export type RecordForm =
  /** `scanned`: a code the scan box found no record for, to prefill (as the key, serial or name). */
  | { mode: 'create'; kind?: RecordKind; connectionId?: string; scanned?: string }
  /** `fromProposal`: start from the values of the record's rejected proposal, to resubmit it. */
  | { mode: 'edit'; id: string; fromProposal?: boolean }
  /** One of the kind profile's quick actions on a record: a few fields, prefilled. */
  | { mode: 'quick'; id: string; actionId: string };

/** The records as a list of cards, or as a table with sortable, chosen columns. */
export type RecordsLayout = 'list' | 'table';

interface UiState {
  view: View;
  /** The create/edit form in the records view's right pane, if open. */
  form: RecordForm | null;
  /** The bulk edit of the ticked records, in the right pane instead of a record. */
  bulkEdit: boolean;
  /** Remembered on this computer (localStorage). */
  recordsLayout: RecordsLayout;
  /** The table's columns after the title, in order; remembered on this computer. */
  tableColumns: ColumnKey[];
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
  /** A connection form asked for from elsewhere (the command palette); the Connections view opens it. */
  connectionForm: { mode: 'add' } | { mode: 'edit' | 'remove'; id: string } | null;
  show(view: View): void;
  openForm(form: RecordForm | null): void;
  openBulkEdit(open: boolean): void;
  setRecordsLayout(layout: RecordsLayout): void;
  setTableColumns(columns: ColumnKey[]): void;
  requestSearchFocus(): void;
  requestScanFocus(): void;
  requestSearchClear(): void;
  requestDelete(): void;
  requestDetailFocus(id: string | null): void;
  requestConnectionForm(form: UiState['connectionForm']): void;
}

const LAYOUT_KEY = 'benchsync.records.layout';
const COLUMNS_KEY = 'benchsync.records.columns';

/** A preference saved on this computer; the default where there is none, or storage is not available. */
function remembered<T>(key: string, parse: (raw: unknown) => T | null, fallback: T): T {
  try {
    const raw = globalThis.localStorage?.getItem(key);
    return (raw ? parse(JSON.parse(raw)) : null) ?? fallback;
  } catch {
    return fallback;
  }
}

function remember(key: string, value: unknown): void {
  try {
    globalThis.localStorage?.setItem(key, JSON.stringify(value));
  } catch {
    // Storage full or refused: the choice holds for this session.
  }
}

const parseColumns = (raw: unknown): ColumnKey[] | null => (Array.isArray(raw) && raw.every(isColumnKey) ? [...new Set(raw)] : null);

export const useUi = create<UiState>((set) => ({
  view: 'records',
  form: null,
  bulkEdit: false,
  recordsLayout: remembered<RecordsLayout>(LAYOUT_KEY, (raw) => (raw === 'table' || raw === 'list' ? raw : null), 'list'),
  tableColumns: remembered(COLUMNS_KEY, parseColumns, [...DEFAULT_COLUMNS]),
  focusSearch: 0,
  focusScan: 0,
  clearSearch: 0,
  askDelete: 0,
  focusDetailOf: null,
  connectionForm: null,
  show: (view) => set({ view }),
  openForm: (form) => set({ form, ...(form ? { view: 'records' as const, bulkEdit: false } : {}) }),
  openBulkEdit: (open) => set(open ? { bulkEdit: true, form: null, view: 'records' } : { bulkEdit: false }),
  setRecordsLayout: (recordsLayout) => {
    remember(LAYOUT_KEY, recordsLayout);
    set({ recordsLayout });
  },
  setTableColumns: (tableColumns) => {
    remember(COLUMNS_KEY, tableColumns);
    set({ tableColumns });
  },
  requestSearchFocus: () => set((s) => ({ view: 'records', focusSearch: s.focusSearch + 1 })),
  requestScanFocus: () => set((s) => ({ focusScan: s.focusScan + 1 })),
  requestSearchClear: () => set((s) => ({ clearSearch: s.clearSearch + 1 })),
  requestDelete: () => set((s) => ({ askDelete: s.askDelete + 1 })),
  requestDetailFocus: (id) => set({ focusDetailOf: id }),
  requestConnectionForm: (connectionForm) => set(connectionForm ? { connectionForm, view: 'connections' } : { connectionForm }),
}));

import type { RecordSortKey } from '../../src-shared/contract';

/**
 * The records table's columns. The name (title) is always shown; the others are the user's choice
 * (stores/ui.ts remembers it). Each column sorts by the same key in the core (records.list's sort).
 */
export type ColumnKey = Exclude<RecordSortKey, 'title'>;

export interface ColumnSpec {
  label: string;
  /** Narrowest the column gets (px): its header and the labels in it stay whole. */
  min: number;
  /** Its share of the room left over. */
  grow: number;
  /** The first click on its header sorts newest/most urgent first rather than A to Z. */
  descFirst?: boolean;
}

export const TITLE_COLUMN: ColumnSpec = { label: 'Name', min: 130, grow: 3 };

export const COLUMNS: Readonly<Record<ColumnKey, ColumnSpec>> = {
  subtitle: { label: 'Details', min: 110, grow: 2 },
  system: { label: 'System', min: 105, grow: 1 },
  kind: { label: 'Kind', min: 105, grow: 1 },
  connection: { label: 'Connection', min: 120, grow: 1 },
  remoteId: { label: 'ID', min: 80, grow: 1 },
  serial: { label: 'Serial', min: 90, grow: 1 },
  vendor: { label: 'Vendor', min: 90, grow: 1 },
  status: { label: 'Status', min: 155, grow: 1 },
  updatedAt: { label: 'Last changed', min: 120, grow: 1, descFirst: true },
};

export const COLUMN_KEYS = Object.keys(COLUMNS) as ColumnKey[];

export const DEFAULT_COLUMNS: readonly ColumnKey[] = ['system', 'kind', 'remoteId', 'status'];

export function isColumnKey(value: unknown): value is ColumnKey {
  return typeof value === 'string' && Object.hasOwn(COLUMNS, value);
}

/** The CSS grid columns of a row: the tick box, the name, then the chosen columns. */
export function gridTemplate(columns: readonly ColumnKey[], checkWidth: string): string {
  const track = (c: ColumnSpec) => `minmax(${c.min}px, ${c.grow}fr)`;
  return [checkWidth, track(TITLE_COLUMN), ...columns.map((k) => track(COLUMNS[k]))].join(' ');
}

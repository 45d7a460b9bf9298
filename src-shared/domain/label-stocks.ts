/**
 * The label stocks BenchSync prints on, as their makers specify them (millimetres, the label in
 * reading orientation: width is the longer side). Pure data; the layout and the PDF are built in
 * src-main/core/labels/. Why each size is what it is: docs/labels.md.
 */

export const LABEL_STOCK_IDS = ['brother-dk-62', 'brother-dk-29x90', 'dymo-99012', 'avery-l7651', 'zebra-2x1'] as const;
export type LabelStockId = (typeof LABEL_STOCK_IDS)[number];

/** A sheet that holds several labels in a grid (the page is the sheet). */
export interface LabelSheet {
  width: number;
  height: number;
  columns: number;
  rows: number;
  /** From the sheet's left and top edges to the first label's. */
  left: number;
  top: number;
  /** From one label's left (top) edge to the next one's: the label plus the gap. */
  pitchX: number;
  pitchY: number;
}

export interface LabelStock {
  id: LabelStockId;
  name: string;
  /** One label's size. */
  width: number;
  height: number;
  /** Kept clear inside each label: the printer's unprintable edge, or a sheet's feed tolerance. */
  margin: number;
  /** Null: one label per page, the page the label's size (a roll). */
  sheet: LabelSheet | null;
  /** What the user is told when choosing. */
  note: string;
}

export const LABEL_STOCKS: Readonly<Record<LabelStockId, LabelStock>> = {
  'brother-dk-62': {
    id: 'brother-dk-62',
    name: 'Brother DK 62 mm continuous',
    // A continuous roll is cut to whatever length the page has: 29 mm, the length of Brother's own
    // 62 mm die-cut address label (DK-11209), holds a 23 mm code and four lines of text.
    width: 62,
    height: 29,
    margin: 3,
    sheet: null,
    note: '62 mm tape (DK-22205), cut at 29 mm per label.',
  },
  'brother-dk-29x90': {
    id: 'brother-dk-29x90',
    name: 'Brother DK-11201 (29 × 90 mm)',
    width: 90.3,
    height: 29,
    margin: 2,
    sheet: null,
    note: 'Die-cut standard address labels, 29 × 90.3 mm.',
  },
  'dymo-99012': {
    id: 'dymo-99012',
    name: 'Dymo 99012 (36 × 89 mm)',
    width: 89,
    height: 36,
    margin: 2.5,
    sheet: null,
    note: 'LabelWriter large address labels.',
  },
  'avery-l7651': {
    id: 'avery-l7651',
    name: 'Avery L7651 (65 per A4 sheet)',
    width: 38.1,
    height: 21.2,
    margin: 1.2,
    // Avery's template: 10.7 mm top and bottom, 4.75 mm each side, 2.5 mm between columns, none between rows.
    sheet: { width: 210, height: 297, columns: 5, rows: 13, left: 4.75, top: 10.7, pitchX: 40.6, pitchY: 21.2 },
    note: 'A4 sheets of 5 × 13 labels, 38.1 × 21.2 mm; print at 100 % (no "fit to page").',
  },
  'zebra-2x1': {
    id: 'zebra-2x1',
    name: 'Zebra 2 × 1 in',
    width: 50.8,
    height: 25.4,
    margin: 1.5,
    sheet: null,
    note: 'Direct thermal or thermal transfer, 2 × 1 in (50.8 × 25.4 mm).',
  },
};

/** How many labels one page holds. */
export function labelsPerPage(stock: LabelStock): number {
  return stock.sheet ? stock.sheet.columns * stock.sheet.rows : 1;
}

/** The page's size: the sheet, or the label itself on a roll. */
export function pageSize(stock: LabelStock): { width: number; height: number } {
  return stock.sheet ? { width: stock.sheet.width, height: stock.sheet.height } : { width: stock.width, height: stock.height };
}

/** Where the n-th label (from 0) goes: its page (from 0) and its top-left corner on it, in mm from the page's top-left. */
export function labelSlot(stock: LabelStock, n: number): { page: number; x: number; y: number } {
  const perPage = labelsPerPage(stock);
  const page = Math.floor(n / perPage);
  const sheet = stock.sheet;
  if (!sheet) return { page, x: 0, y: 0 };
  const at = n % perPage;
  // Across first, then down: the order a technician reads the sheet in.
  return { page, x: sheet.left + (at % sheet.columns) * sheet.pitchX, y: sheet.top + Math.floor(at / sheet.columns) * sheet.pitchY };
}

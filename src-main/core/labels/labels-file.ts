import { LABEL_STOCKS, type LabelStockId } from '../../../src-shared/domain/label-stocks';
import { renderLabelsPdf } from './label-pdf';
import type { LabelRecords } from './label-records';

/**
 * The next calibration due of each record (a date), for the label's due line; a record not in
 * the map, or mapped to null, has none.
 */
export type NextDueOf = (recordIds: readonly string[]) => Promise<ReadonlyMap<string, string | null>>;

/** A file name's part from free text: letters, digits, dots and dashes only. */
const safe = (text: string) => text.replace(/[^\p{L}\p{N}.-]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'record';

/** The labels of these records on this stock, as a PDF for the user to save. */
export async function labelsFile(records: LabelRecords, nextDueOf: NextDueOf, recordIds: readonly string[], stockId: LabelStockId): Promise<{ filename: string; pdfBase64: string }> {
  const stock = LABEL_STOCKS[stockId];
  const chosen = await records.get(recordIds);
  const due = await nextDueOf([...new Set(recordIds)]);
  const pdf = await renderLabelsPdf(
    chosen.map((r) => ({ code: r.code, name: r.title, connection: r.connectionName, nextDue: due.get(r.id) ?? null })),
    stock,
  );
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const what = chosen.length === 1 ? `label-${safe(chosen[0]!.code)}` : `labels-${chosen.length}`;
  return { filename: `benchsync-${what}-${stock.id}-${stamp}.pdf`, pdfBase64: pdf.toString('base64') };
}

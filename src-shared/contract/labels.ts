import { z } from 'zod';
import { LABEL_STOCK_IDS } from '../domain/label-stocks';
import { uuid } from './common';

/** The most labels one PDF holds: ten full Avery L7651 sheets (about 2 s to render and 1 MB; docs/labels.md). */
export const LABELS_MAX = 650;

export const labelStock = z.enum(LABEL_STOCK_IDS);

export const labelsContract = {
  /**
   * Labels for these records, in this order (a record named twice gets two labels), as one PDF at
   * the stock's size: a QR code of the record's scan code (src-shared/domain/scan-code.ts) and
   * its name, code, connection and next calibration due. docs/labels.md.
   */
  'labels.pdf': {
    request: z.object({ recordIds: z.array(uuid).min(1, 'Choose at least one record.').max(LABELS_MAX), stock: labelStock }),
    reply: z.object({ filename: z.string(), pdfBase64: z.string() }),
  },
} as const;

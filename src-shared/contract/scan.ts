import { z } from 'zod';
import { recordSummary } from './records';

/**
 * How a record matched a scanned code. The exact ones (the code is, ignoring case, the record's
 * remote id or client-chosen key, its BenchSync id, its serial, or its name) come first; `search`
 * is a record the search finds for the code's words (every word a prefix of one of its words),
 * offered when a label's code is not quite what the mirror holds.
 */
export const SCAN_MATCH_KINDS = ['id', 'serial', 'name', 'search'] as const;
export type ScanMatchKind = (typeof SCAN_MATCH_KINDS)[number];

export const scanMatch = z.object({ record: recordSummary, by: z.enum(SCAN_MATCH_KINDS), exact: z.boolean() });
export type ScanMatchDto = z.infer<typeof scanMatch>;

/** The most search matches a scan answers with (after every exact one). */
export const SCAN_SEARCH_MATCHES_MAX = 10;

export const scanContract = {
  /**
   * The records a scanned code stands for: exact matches first (id or key, then serial, then
   * name), then search matches. `code` is the code as a scan carries it (a QR link reduced to its
   * code by the renderer's `codeFromScan`).
   */
  'scan.resolve': {
    request: z.object({ code: z.string().trim().min(1).max(200) }),
    reply: z.object({ code: z.string(), matches: z.array(scanMatch) }),
  },
} as const;

import PDFDocument from 'pdfkit';
import type { HistoryEntryDto } from '../../../src-shared/contract/history';
import { toCsv } from '../../../src-shared/domain/csv';
import { HISTORY_SOURCE_LABELS } from '../../../src-shared/domain/history';

/** An entry's "what": the field before → after, or the event in words. */
export function whatChanged(e: HistoryEntryDto): string {
  switch (e.event) {
    case 'field':
      return `${e.fieldLabel ?? e.field}: ${e.beforeText} → ${e.afterText}`;
    case 'record_added':
      return 'Record added';
    case 'record_deleted':
      return 'Deleted here (to be deleted on the server)';
    case 'record_restored':
      return 'Delete undone';
    case 'record_removed':
      return 'Record removed from this workstation';
    case 'op_sent':
      return `Change sent to the server (${e.detail ?? 'change'})`;
    case 'op_acknowledged':
      return `The server took the change${e.detail ? `: ${e.detail}` : ''}`;
    case 'op_rejected':
      return `The server refused the change${e.detail ? `: ${e.detail}` : ''}`;
    case 'proposal_decided':
      return e.detail ?? 'Proposal decided';
  }
}

function fate(e: HistoryEntryDto): string {
  if (!e.opFate) return e.opId !== null && e.event === 'field' ? 'queued' : '';
  const word = { op_sent: 'sent', op_acknowledged: 'acknowledged', op_rejected: 'rejected' }[e.opFate.event];
  return `${word}${e.opFate.detail ? ` (${e.opFate.detail})` : ''}`;
}

const who = (e: HistoryEntryDto) => `${e.osUser}${e.account ? ` as ${e.account}` : ''}`;

const HEADER = ['When (UTC)', 'Who', 'Connection', 'Record', 'Remote id', 'Where from', 'What', 'Field', 'Before', 'After', 'Op', 'Op fate', 'Why', 'Entry'];

/** Oldest first, one row per entry. */
export function historyCsv(entries: readonly HistoryEntryDto[]): string {
  return toCsv(
    HEADER,
    entries.map((e) => [
      e.at,
      who(e),
      e.connectionName ?? e.connectionId,
      e.recordTitle,
      e.remoteId ?? '',
      HISTORY_SOURCE_LABELS[e.source],
      whatChanged(e),
      e.fieldLabel ?? '',
      e.beforeText ?? '',
      e.afterText ?? '',
      e.opId ?? '',
      fate(e),
      e.reason ?? '',
      e.id,
    ]),
  );
}

/** An auditor's PDF: a heading that says what it covers, then who / when / what / why, oldest first. */
export function historyPdf(entries: readonly HistoryEntryDto[], title: string, verified: { ok: boolean; checked: number; firstBadEntryId?: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({ size: 'A4', margin: 48, info: { Title: title, Creator: 'BenchSync' } });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.font('Helvetica-Bold').fontSize(15).text(title);
    doc.moveDown(0.3);
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor('#444')
      .text(
        `Exported ${new Date().toISOString()} · ${entries.length} entries · history chain ${verified.ok ? `verified intact (${verified.checked} entries)` : `BROKEN at entry ${verified.firstBadEntryId}`}`,
      );
    doc.moveDown(0.8).fillColor('black');
    for (const e of entries) {
      if (doc.y > doc.page.height - 110) doc.addPage();
      doc.font('Helvetica-Bold').fontSize(10).text(`${e.at.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')}  ·  ${who(e)}  ·  ${e.recordTitle || e.recordId}`);
      doc.font('Helvetica').fontSize(10).text(whatChanged(e));
      const meta = [
        HISTORY_SOURCE_LABELS[e.source],
        e.connectionName ?? 'removed connection',
        e.remoteId ? `remote id ${e.remoteId}` : null,
        e.opId !== null ? `op ${e.opId}${fate(e) ? `: ${fate(e)}` : ''}` : null,
        `entry ${e.id}`,
      ].filter(Boolean);
      doc.fontSize(8.5).fillColor('#555').text(meta.join('  ·  '));
      if (e.reason) doc.fillColor('black').fontSize(10).text(`Why: ${e.reason}`);
      doc.fillColor('black').moveDown(0.6);
    }
    if (entries.length === 0) doc.font('Helvetica').fontSize(10).text('No entries in this range.');
    doc.end();
  });
}

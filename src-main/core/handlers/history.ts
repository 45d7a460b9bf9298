import type { Method } from '../../../src-shared/contract';
import type { HistoryEntryDto } from '../../../src-shared/contract/history';
import { historyCsv, historyPdf } from '../history/history-export';
import type { HistoryFilter } from '../history/history-queries';
import type { AreaHandlers, HandlerDeps } from './deps';

type HistoryMethods = Extract<Method, `history.${string}`>;

/** Exports read at most this many entries (an auditor's range, not the whole database at once). */
const EXPORT_MAX = 20_000;

export function historyHandlers(d: HandlerDeps): AreaHandlers<HistoryMethods> {
  const { history, historyView, settings } = d;
  return {
    'history.record': async (req) => {
      const rows = await history.list({ recordId: req.recordId, field: req.field, source: req.source, limit: EXPORT_MAX });
      return { entries: await historyView.describe(rows) };
    },
    'history.list': async (req) => {
      const rows = await history.list({ ...req, limit: req.limit + 1 });
      return { entries: await historyView.describe(rows.slice(0, req.limit)), more: rows.length > req.limit };
    },
    'history.verify': () => history.verify(),
    'history.export': async (req) => {
      const { format, ...filter } = req;
      const rows = (await history.list({ ...(filter as Omit<HistoryFilter, 'limit'>), limit: EXPORT_MAX })).reverse();
      const entries = await historyView.describe(rows);
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      const name = `benchsync-history-${scopeName(req.recordId, entries)}-${stamp}`;
      if (format === 'csv') {
        return { filename: `${name}.csv`, mime: 'text/csv', base64: Buffer.from(historyCsv(entries), 'utf8').toString('base64'), entries: entries.length };
      }
      const pdf = await historyPdf(entries, title(req, entries), await history.verify());
      return { filename: `${name}.pdf`, mime: 'application/pdf', base64: pdf.toString('base64'), entries: entries.length };
    },
    'history.getPolicy': () => settings.historyPolicy(),
    'history.setPolicy': (req) => settings.setHistoryPolicy(req),
  };
}

function scopeName(recordId: string | undefined, entries: readonly HistoryEntryDto[]): string {
  if (!recordId) return 'range';
  const t = entries.find((e) => e.recordTitle)?.recordTitle ?? recordId;
  return t.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 40) || 'record';
}

function title(req: { recordId?: string; since?: string; until?: string }, entries: readonly HistoryEntryDto[]): string {
  if (req.recordId) return `Change history of “${entries.find((e) => e.recordTitle)?.recordTitle || req.recordId}”`;
  const range = [req.since ? `from ${req.since}` : null, req.until ? `until ${req.until}` : null].filter(Boolean).join(' ');
  return `Change history${range ? ` ${range}` : ''}`;
}

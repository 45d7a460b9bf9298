import { useEffect, useState } from 'react';
import type { HistoryEntryDto, RecordDetailDto } from '../../src-shared/contract';
import type { HistorySource } from '../../src-shared/domain/history';
import { client, errorMessage } from '../core/client';
import { downloadBase64 } from '../lib/download';
import { ExportButtons, HistoryEntries, SourceFilter } from './HistoryEntries';

/** A record's History tab: newest first, filtered by field or where it came from, exportable as PDF and CSV. */
export function RecordHistory({ detail }: { detail: RecordDetailDto }) {
  const [entries, setEntries] = useState<HistoryEntryDto[] | null>(null);
  const [field, setField] = useState('');
  const [source, setSource] = useState<HistorySource | ''>('');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    client
      .call('history.record', { recordId: detail.id, ...(field ? { field } : {}), ...(source ? { source } : {}) })
      .then((r) => current && (setEntries(r.entries), setError(null)))
      .catch((e: unknown) => current && setError(errorMessage(e)));
    return () => {
      current = false;
    };
    // The record's detail is reloaded on every change of it: its history follows.
  }, [detail, field, source]);

  const exportAs = async (format: 'csv' | 'pdf') => {
    try {
      const file = await client.call('history.export', { recordId: detail.id, format });
      downloadBase64(file.filename, file.base64, file.mime);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const fields = [...new Map((entries ?? []).filter((e) => e.field).map((e) => [e.field!, e.fieldLabel ?? e.field!])).entries()];
  return (
    <section aria-label="History">
      <div className="history-filters">
        <label>
          <span className="field-label">Field</span>
          <select value={field} onChange={(e) => setField(e.target.value)}>
            <option value="">All fields</option>
            {fields.map(([name, label]) => (
              <option key={name} value={name}>
                {label}
              </option>
            ))}
            {field && !fields.some(([n]) => n === field) ? <option value={field}>{field}</option> : null}
          </select>
        </label>
        <SourceFilter value={source} onChange={setSource} />
        <ExportButtons onExport={(format) => void exportAs(format)} />
      </div>
      {error ? <p role="alert">{error}</p> : null}
      {entries ? <HistoryEntries entries={entries} /> : <p className="muted">Loading…</p>}
    </section>
  );
}

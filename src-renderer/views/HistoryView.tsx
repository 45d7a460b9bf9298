import { useEffect, useState } from 'react';
import type { HistoryEntryDto } from '../../src-shared/contract';
import type { HistorySource } from '../../src-shared/domain/history';
import { client, errorMessage } from '../core/client';
import { downloadBase64 } from '../lib/download';
import { useConnections } from '../stores/connections';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { ExportButtons, HistoryEntries, SourceFilter } from './HistoryEntries';

const PAGE = 100;

/** "What changed": entries across records since a date, by a user, by connection; exportable; the chain checked on demand. */
export function HistoryView() {
  const connections = useConnections((s) => s.connections);
  const [since, setSince] = useState('');
  const [osUser, setOsUser] = useState('');
  const [connectionId, setConnectionId] = useState('');
  const [source, setSource] = useState<HistorySource | ''>('');
  const [entries, setEntries] = useState<HistoryEntryDto[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [verified, setVerified] = useState<string | null>(null);

  const query = () => ({
    ...(since ? { since: new Date(`${since}T00:00:00`).toISOString() } : {}),
    ...(osUser.trim() ? { osUser: osUser.trim() } : {}),
    ...(connectionId ? { connectionId } : {}),
    ...(source ? { source } : {}),
  });

  useEffect(() => {
    let current = true;
    client
      .call('history.list', { ...query(), limit: PAGE })
      .then((r) => current && (setEntries(r.entries), setMore(r.more), setError(null)))
      .catch((e: unknown) => current && setError(errorMessage(e)));
    return () => {
      current = false;
    };
  }, [since, osUser, connectionId, source]);

  const loadMore = async () => {
    const last = entries.at(-1);
    if (!last) return;
    const r = await client.call('history.list', { ...query(), beforeId: last.id, limit: PAGE });
    setEntries([...entries, ...r.entries]);
    setMore(r.more);
  };

  const exportAs = async (format: 'csv' | 'pdf') => {
    try {
      const file = await client.call('history.export', { ...query(), format });
      downloadBase64(file.filename, file.base64, file.mime);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const verify = async () => {
    const r = await client.call('history.verify', {});
    setVerified(
      r.ok
        ? `The history is intact: ${r.checked} entries checked.`
        : `The history was changed outside BenchSync: entry ${r.firstBadEntryId} is not as it was written (${r.checked} entries before it are intact).`,
    );
  };

  const open = (id: string) => {
    useUi.getState().show('records');
    void useSelection.getState().select(id);
  };

  return (
    <section className="page history-view" aria-label="What changed">
      <h2>What changed</h2>
      <div className="history-filters">
        <label>
          <span className="field-label">Since</span>
          <input type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label>
          <span className="field-label">By (workstation user)</span>
          <input value={osUser} onChange={(e) => setOsUser(e.target.value)} />
        </label>
        <label>
          <span className="field-label">Connection</span>
          <select value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
            <option value="">All connections</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <SourceFilter value={source} onChange={setSource} />
        <ExportButtons onExport={(format) => void exportAs(format)} />
        <button type="button" className="button" onClick={() => void verify()}>
          Check integrity
        </button>
      </div>
      {verified ? <p role="status">{verified}</p> : null}
      {error ? <p role="alert">{error}</p> : null}
      <HistoryEntries entries={entries} showRecord onOpenRecord={open} />
      {more ? (
        <button type="button" className="button" onClick={() => void loadMore()}>
          Show older
        </button>
      ) : null}
    </section>
  );
}

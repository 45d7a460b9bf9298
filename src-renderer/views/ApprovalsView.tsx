import { useEffect, useState } from 'react';
import type { ApprovalDto } from '../../src-shared/contract';
import { sameValue } from '../../src-shared/domain/field-diff';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';
import { client, errorMessage } from '../core/client';
import { kindLabel, plural, systemLabel } from '../lib/format';
import { useApprovals } from '../stores/approvals';
import { connectionName, useConnections } from '../stores/connections';
import { FieldValue, isEmpty, type PickLists } from './FieldValue';
import { shown } from '../lib/bidi';

/** For reviewer accounts: submissions awaiting a decision. Decisions are queued like edits and sent when online. */
export function ApprovalsView() {
  const all = useApprovals((s) => s.approvals);
  const connections = useConnections((s) => s.connections);
  // Only reviewer (administrator) connections decide; nothing else ever offers accept or reject.
  const approvals = all.filter((a) => connections.some((c) => c.id === a.connectionId && c.settings.reviewer === 'yes'));
  const loaded = useApprovals((s) => s.loaded);
  const error = useApprovals((s) => s.error);

  useEffect(() => {
    void useApprovals.getState().load();
    // Submissions made since the last pull: reviewer connections fetch their queue now, and its
    // arrival is announced like any mirror change (core/wiring.ts reloads the store then).
    client.call('approvals.refresh', {}).catch(() => undefined);
  }, []);

  const waiting = approvals.filter((a) => a.status === 'Pending');
  return (
    <section className="page" aria-label="Approvals">
      <header className="page-header">
        <h2>Approvals</h2>
        <p className="muted" aria-live="polite">
          {!loaded
            ? 'Loading…'
            : waiting.length === 0
              ? 'Nothing awaits your decision.'
              : `${plural(waiting.length, 'submission')} awaiting your decision. Accept or reject works offline; the decision is sent when the server can be reached.`}
        </p>
      </header>
      {error ? (
        <p className="error-box" role="alert">
          Could not load the approvals: {error}
        </p>
      ) : null}
      <ul className="connection-list">
        {approvals.map((a) => (
          <ApprovalCard key={`${a.connectionId}:${a.approvalId}`} approval={a} />
        ))}
      </ul>
    </section>
  );
}

function ApprovalCard({ approval: a }: { approval: ApprovalDto }) {
  const connections = useConnections((s) => s.connections);
  const pickLists = useConnections((s) => s.pickLists);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const connection = connections.find((c) => c.id === a.connectionId);
  const profile = connection ? SYSTEM_PROFILES[connection.system]?.kinds.find((k) => k.kind === a.kind) : undefined;
  const pick: PickLists = (source) => pickLists[`${a.connectionId}:${source}`] ?? [];
  // An Add: what it proposes; a Change: the fields it changes, live next to proposed.
  const specs = (profile?.fields ?? []).filter((s) =>
    a.action === 'Add' ? !isEmpty(a.fields[s.name]) : !sameValue(a.fields[s.name], a.liveFields?.[s.name]),
  );

  const decide = async (decision: 'accept' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      await client.call('approvals.decide', { connectionId: a.connectionId, approvalId: a.approvalId, decision });
      await useApprovals.getState().load();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="connection-card" aria-label={a.title || a.approvalId}>
      <div className="connection-head">
        <div>
          <h3 className="remote">{shown(a.title) || '(untitled)'}</h3>
          <p className="muted">
            {a.action === 'Add' ? 'New' : 'Change to'} {connection ? kindLabel(connection.system, a.kind).toLowerCase() : a.kind} ·{' '}
            {connectionName(connections, a.connectionId)}
          </p>
        </div>
        <div className="connection-state">
          <span className={`badge ${a.status === 'Pending' ? 'badge-awaiting_approval' : a.status === 'Rejected' ? 'badge-rejected' : 'badge-online'}`}>{a.status.toLowerCase()}</span>
          {a.queuedDecision && !a.decisionError ? (
            <span className="badge badge-pending">{a.queuedDecision === 'accept' ? 'accept' : 'reject'} queued</span>
          ) : null}
        </div>
      </div>
      {specs.length > 0 ? (
        <table className="compare">
          <thead>
            <tr>
              <th scope="col">Field</th>
              {a.action === 'Change' ? <th scope="col">Live</th> : null}
              <th scope="col">Proposed</th>
            </tr>
          </thead>
          <tbody>
            {specs.map((spec) => (
              <tr key={spec.name}>
                <th scope="row">{spec.label}</th>
                {a.action === 'Change' ? (
                  <td>
                    <FieldValue spec={spec} fields={a.liveFields ?? {}} pick={pick} />
                  </td>
                ) : null}
                <td>
                  <FieldValue spec={spec} fields={a.fields} pick={pick} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {a.queuedDecision && !a.decisionError ? (
        <p className="muted small" role="status">
          {`Your decision to ${a.queuedDecision} is queued: it is sent when “${connection?.name ?? 'the connection'}” can reach ${connection ? systemLabel(connection.system) : 'the server'}. Until then you can change it.`}
        </p>
      ) : null}
      {a.decisionError ? (
        <p className="error-box" role="alert">
          {connection ? systemLabel(connection.system) : 'The server'} refused your decision to {a.queuedDecision ?? 'decide'}: {a.decisionError}
        </p>
      ) : null}
      {error ? (
        <p className="error-box" role="alert">
          {error}
        </p>
      ) : null}
      {a.status === 'Pending' ? (
        <div className="actions">
          <button
            type="button"
            className="button primary"
            disabled={busy || (a.queuedDecision === 'accept' && !a.decisionError)}
            onClick={() => void decide('accept')}
          >
            {a.decisionError && a.queuedDecision === 'accept' ? 'Accept again' : 'Accept'}
          </button>
          <button
            type="button"
            className="button danger"
            disabled={busy || (a.queuedDecision === 'reject' && !a.decisionError)}
            onClick={() => void decide('reject')}
          >
            {a.decisionError && a.queuedDecision === 'reject' ? 'Reject again' : 'Reject'}
          </button>
        </div>
      ) : null}
    </li>
  );
}

import { detailState } from '../lib/record-state';
import { useEffect, useRef, useState } from 'react';
import type { RecordDetailDto } from '../../src-shared/contract';
import type { FieldSpec } from '../../src-shared/domain/remotes';
import { client, errorMessage } from '../core/client';
import { formatRelative, kindLabel, systemLabel } from '../lib/format';
import { connectionName, useConnections } from '../stores/connections';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { RecordBadges } from './Badges';
import { FieldValue, type PickLists } from './FieldValue';
import { QuickActionForm } from './RecordForm';
import { ConflictPanel, PendingOps, ProposalPanel, RejectedOps } from './RecordPanels';
import { shown } from '../lib/bidi';
import { recordActions } from '../lib/record-actions';
import { useConfirmStep } from './confirm-step';
import { DeleteConfirm } from './DeleteConfirm';
import { RecordHistory } from './RecordHistory';
import { RecordSchedules } from './RecordSchedules';

export function RecordDetail() {
  const detail = useSelection((s) => s.detail);
  const loading = useSelection((s) => s.loading);
  const error = useSelection((s) => s.error);
  const connections = useConnections((s) => s.connections);
  const pickLists = useConnections((s) => s.pickLists);
  const openForm = useUi((s) => s.openForm);
  const form = useUi((s) => s.form);
  const [actionError, setActionError] = useState<string | null>(null);
  const deleteStep = useConfirmStep();
  const confirmDelete = deleteStep.asking;
  const [busy, setBusy] = useState(false);
  const [tab, setTab] = useState<'details' | 'history'>('details');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const focusDetailOf = useUi((s) => s.focusDetailOf);
  const askDelete = useUi((s) => s.askDelete);
  const seenAskDelete = useRef(askDelete);

  // After its form closed (saved or cancelled), the record's heading has the focus, not the page.
  useEffect(() => {
    if (!focusDetailOf || detail?.id !== focusDetailOf || !headingRef.current) return;
    headingRef.current.focus();
    useUi.getState().requestDetailFocus(null);
  }, [focusDetailOf, detail]);

  // The Delete key or the command palette asked to delete this record.
  useEffect(() => {
    if (askDelete === seenAskDelete.current) return;
    seenAskDelete.current = askDelete;
    if (detail && recordActions(detail, connections).canDelete) deleteStep.ask();
  }, [askDelete]);

  if (error) {
    return (
      <div className="empty">
        <p role="alert">{error}</p>
      </div>
    );
  }
  if (!detail) return <div className="empty">{loading ? 'Loading…' : null}</div>;

  const { profile, canEdit, canDelete } = recordActions(detail, connections);
  const specs = profile?.fields ?? Object.keys(detail.fields).map((name): FieldSpec => ({ name, label: name, input: 'text' }));
  const pick: PickLists = (source) => pickLists[`${detail.connectionId}:${source}`] ?? [];
  const inConflict = detail.conflictFields.length > 0;
  const state = detailState(detail);
  const quick = form?.mode === 'quick' && form.id === detail.id ? form : null;

  const run = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await action();
      await useSelection.getState().reload();
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <article className="detail">
      <header className="detail-header">
        <div>
          <h2 ref={headingRef} tabIndex={-1} className={detail.deleted ? 'struck remote' : 'remote'}>
            {shown(detail.title) || '(untitled)'}
          </h2>
          <p className="muted">
            {connectionName(connections, detail.connectionId)} · {systemLabel(detail.system)} · {kindLabel(detail.system, detail.kind)} ·{' '}
            {detail.remoteId ? `#${detail.remoteId} on the server` : 'not on the server yet'}
          </p>
          <LastSynced detail={detail} />
        </div>
        <div className="badges">
          <RecordBadges record={detail} />
        </div>
      </header>

      {canEdit || canDelete ? (
        <div className="actions">
          {canEdit ? (
            <button type="button" className="button" onClick={() => openForm({ mode: 'edit', id: detail.id })} title="Edit (e)">
              Edit
            </button>
          ) : null}
          {canEdit
            ? (profile?.quickActions ?? []).map((a) => (
                <button key={a.id} type="button" className="button" onClick={() => openForm({ mode: 'quick', id: detail.id, actionId: a.id })}>
                  {a.label}
                </button>
              ))
            : null}
          {canDelete && !confirmDelete ? (
            <button ref={deleteStep.askRef} type="button" className="button danger" onClick={deleteStep.ask} title="Delete (Del)">
              Delete
            </button>
          ) : null}
        </div>
      ) : null}
      {quick && canEdit ? <QuickActionForm key={quick.actionId} id={quick.id} actionId={quick.actionId} /> : null}
      {confirmDelete && canDelete ? <DeleteConfirm detail={detail} step={deleteStep} busy={busy} run={run} /> : null}
      {state.block === 'read_only' ? (
        <p className="notice">
          Read-only: this {kindLabel(detail.system, detail.kind).toLowerCase()} belongs to someone else on {systemLabel(detail.system)}. You can
          view it but not edit or delete it.
        </p>
      ) : null}
      {state.block === 'scope_read_only' && detail.readOnlyScope ? (
        <div className="notice" role="group" aria-label="Read-only for you">
          <p>
            Read-only for you: this {kindLabel(detail.system, detail.kind).toLowerCase()} is in the {detail.readOnlyScope.label.toLowerCase()} “
            <bdi>{shown(detail.readOnlyScope.name)}</bdi>”, which {systemLabel(detail.system)} lets this account read but not change (it refused a change
            there). Only its contributors can edit, add or delete its {kindLabel(detail.system, detail.kind).toLowerCase()}.
          </p>
          <button type="button" className="button" disabled={busy} onClick={() => void run(() => client.call('records.clearWriteRefusal', { id: detail.id }))}>
            I may write there now
          </button>
        </div>
      ) : null}
      {detail.editable && profile && !profile.canUpdate ? (
        <p className="notice">
          {systemLabel(detail.system)} does not let BenchSync edit {profile.label.toLowerCase()} records
          {profile.canDelete ? '; you can delete them and create new ones.' : '.'}
        </p>
      ) : null}
      {detail.deleted ? (
        <p className="notice notice-warn">Deleted here. The delete is sent when the server can be reached; discard it below to keep the record.</p>
      ) : null}
      {actionError ? (
        <p className="error-box" role="alert">
          {actionError}
        </p>
      ) : null}

      {detail.proposal ? (
        <ProposalPanel
          detail={detail}
          specs={specs}
          pick={pick}
          busy={busy}
          run={run}
          onResubmit={canEdit ? () => openForm({ mode: 'edit', id: detail.id, fromProposal: true }) : null}
        />
      ) : null}
      <RejectedOps detail={detail} specs={specs} busy={busy} run={run} onFix={state.canFixRejected ? () => openForm({ mode: 'edit', id: detail.id }) : null} />
      {inConflict ? <ConflictPanel detail={detail} specs={specs} pick={pick} busy={busy} run={run} /> : null}

      <div className="detail-tabs" role="tablist" aria-label="Record">
        <button type="button" role="tab" aria-selected={tab === 'details'} className={`tab${tab === 'details' ? ' tab-active' : ''}`} onClick={() => setTab('details')}>
          Details
        </button>
        <button type="button" role="tab" aria-selected={tab === 'history'} className={`tab${tab === 'history' ? ' tab-active' : ''}`} onClick={() => setTab('history')}>
          History
        </button>
      </div>
      {tab === 'history' ? (
        <RecordHistory detail={detail} />
      ) : (
        <>
          <RecordSchedules detail={detail} />
          <dl className="fields">
            {specs.map((spec) => (
              <div key={spec.name} className="field-row">
                <dt>{spec.label}</dt>
                <dd>
                  <FieldValue spec={spec} fields={detail.fields} pick={pick} />
                </dd>
              </div>
            ))}
          </dl>

          <PendingOps ops={detail.ops} specs={specs} pick={pick} context={detail.fields} busy={busy} run={run} />
        </>
      )}
    </article>
  );
}

/** When the record last matched the server: pulled unchanged, or our change acknowledged. */
function LastSynced({ detail }: { detail: RecordDetailDto }) {
  if (!detail.lastSyncedAt) {
    return <p className="muted small">{detail.remoteId ? 'Not confirmed with the server yet.' : 'Never synced with the server.'}</p>;
  }
  return (
    <p className="muted small">
      Last synced{' '}
      <time dateTime={detail.lastSyncedAt} title={new Date(detail.lastSyncedAt).toLocaleString()}>
        {formatRelative(detail.lastSyncedAt) === 'now' ? 'just now' : formatRelative(detail.lastSyncedAt)}
      </time>
      {detail.status === 'synced' ? '' : '; your changes since are not on the server yet'}
    </p>
  );
}

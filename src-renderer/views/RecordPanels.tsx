import { useState } from 'react';
import type { PendingOpDto, RecordDetailDto } from '../../src-shared/contract';
import { sameValue } from '../../src-shared/domain/field-diff';
import type { FieldChoice } from '../../src-shared/domain/merge';
import { plainMessage } from '../../src-shared/domain/plain-messages';
import type { FieldSpec } from '../../src-shared/domain/remotes';
import { client } from '../core/client';
import { formatRelative, heldReason, OP_STATE_LABELS, opTypeLabel, systemLabel } from '../lib/format';
import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { shown } from '../lib/bidi';
import { ChangeSummary } from './ChangeSummary';
import { ConfirmButton } from './ConfirmButton';
import { PlainText } from './ServerWords';
import './RecordPanels.css';
import { FieldValue, type PickLists } from './FieldValue';

/** The parts of a record's detail that need the user: refused changes, proposals, conflicts, the queue. */

export type Run = (action: () => Promise<unknown>) => Promise<void>;

export function RejectedOps({ detail, specs, busy, run, onFix }: { detail: RecordDetailDto; specs: readonly FieldSpec[]; busy: boolean; run: Run; onFix: (() => void) | null }) {
  const rejected = detail.ops.filter((o) => o.state === 'rejected' || o.state === 'failing');
  if (rejected.length === 0) return null;
  return (
    <>
      {rejected.map((op) => (
        <div key={op.id} className="error-box rejected-box" role="group" aria-label="Rejected change">
          <p className="error-title">
            {op.state === 'failing'
              ? `${systemLabel(detail.system)} keeps failing on this ${opTypeLabel(op.type).toLowerCase()}:`
              : `${systemLabel(detail.system)} refused this ${opTypeLabel(op.type).toLowerCase()}:`}
          </p>
          {hasFieldMessages(op.fieldErrors) ? null : <p className="server-message">{op.error ? <PlainText message={op.error} /> : 'No reason was given.'}</p>}
          {detail.readOnlyScope ? (
            <p>
              This account may only read {detail.readOnlyScope.label.toLowerCase()} “<bdi>{shown(detail.readOnlyScope.name)}</bdi>”. Discard this change, or
              retry it once you may write there.
            </p>
          ) : null}
          <FieldMessages fieldErrors={op.fieldErrors} specs={specs} />
          <div className="actions">
            {onFix ? (
              <button type="button" className="button primary" onClick={onFix}>
                Fix and resend
              </button>
            ) : null}
            <button type="button" className="button" disabled={busy} onClick={() => void run(() => client.call('outbox.retry', { opId: op.id }))}>
              Retry
            </button>
            <ConfirmButton
              label="Discard"
              question={op.type === 'create' ? 'Discard it, and the new record with it?' : 'Discard this change?'}
              confirmLabel="Yes, discard"
              disabled={busy}
              onConfirm={() => void run(() => client.call('outbox.discard', { opId: op.id }))}
            />
          </div>
        </div>
      ))}
    </>
  );
}

function hasFieldMessages(fieldErrors: Record<string, string[]> | null): boolean {
  return Object.values(fieldErrors ?? {}).some((m) => m.length > 0);
}

/** The server's messages per field (instead of its one sentence), in plain words for each field, its words folded under each. */
function FieldMessages({ fieldErrors, specs }: { fieldErrors: Record<string, string[]> | null; specs: readonly FieldSpec[] }) {
  const entries = Object.entries(fieldErrors ?? {}).flatMap(([field, messages]) => messages.map((m) => [field, m] as const));
  if (entries.length === 0) return null;
  return (
    <ul className="field-error-list server-message">
      {entries.map(([field, message]) => {
        const spec = specs.find((s) => s.name === field);
        const label = spec?.label ?? (field === '_' ? 'General' : field);
        const plain = plainMessage(message, { label, choice: spec?.input === 'select' });
        return (
          <li key={`${field}:${message}`}>
            {plain.text.startsWith(label) ? null : `${label}: `}
            <PlainText message={message} context={{ label, choice: spec?.input === 'select' }} />
          </li>
        );
      })}
    </ul>
  );
}

/**
 * A change the remote holds for an administrator: what was proposed next to what is live, and
 * what became of it. A rejected proposal can be edited and resubmitted, or discarded.
 */
export function ProposalPanel({
  detail,
  specs,
  pick,
  busy,
  run,
  onResubmit,
}: {
  detail: RecordDetailDto;
  specs: readonly FieldSpec[];
  pick: PickLists;
  busy: boolean;
  run: Run;
  onResubmit: (() => void) | null;
}) {
  const proposal = detail.proposal!;
  const isAdd = proposal.action === 'Add';
  const rejected = proposal.status === 'Rejected';
  const system = systemLabel(detail.system);
  // A Change: the fields it changes, live and proposed side by side. An Add has nothing live yet.
  const changed = isAdd ? [] : specs.filter((s) => !sameValue(proposal.fields[s.name], detail.fields[s.name]));
  return (
    <section className={rejected ? 'proposal proposal-rejected' : 'proposal'} aria-label="Proposed change">
      <h3>{rejected ? 'Proposal rejected' : 'Awaiting an administrator’s approval'}</h3>
      <p>
        {rejected
          ? `${system} did not accept this ${isAdd ? 'new record; it is not on the server.' : 'change; the live record stays as it was.'}`
          : isAdd
            ? `${system} holds this new record until an administrator accepts it; nothing is live yet, and the values below are what you proposed.`
            : `${system} holds this change until an administrator accepts it; the fields below keep the live values until then.`}
      </p>
      {rejected && proposal.message ? (
        <p className="server-message">
          <PlainText message={proposal.message} />
        </p>
      ) : null}
      {changed.length > 0 ? (
        <table className="compare">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Live</th>
              <th scope="col">Proposed</th>
            </tr>
          </thead>
          <tbody>
            {changed.map((spec) => (
              <tr key={spec.name} className="differs-row">
                <th scope="row">{spec.label}</th>
                <td>
                  <FieldValue spec={spec} fields={detail.fields} pick={pick} />
                </td>
                <td>
                  <FieldValue spec={spec} fields={proposal.fields} pick={pick} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {rejected ? (
        <div className="actions">
          {onResubmit ? (
            <button type="button" className="button primary" disabled={busy} onClick={onResubmit}>
              Edit and resubmit
            </button>
          ) : null}
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => void run(() => client.call('records.resubmitProposal', { id: detail.id }))}
          >
            Resubmit as is
          </button>
          <ConfirmButton
            label="Discard proposal"
            question={isAdd ? 'Discard it? The record goes away here.' : 'Discard it and keep the live record?'}
            confirmLabel="Yes, discard"
            disabled={busy}
            onConfirm={() =>
              void run(async () => {
                const { removed } = await client.call('records.discardProposal', { id: detail.id });
                if (removed) await useSelection.getState().select(null);
              })
            }
          />
        </div>
      ) : null}
    </section>
  );
}

export function ConflictPanel({
  detail,
  specs,
  pick,
  busy,
  run,
}: {
  detail: RecordDetailDto;
  specs: readonly FieldSpec[];
  pick: PickLists;
  busy: boolean;
  run: Run;
}) {
  const deletedRemotely = detail.remoteFields === null || detail.conflictFields.includes('_deleted');
  const [choices, setChoices] = useState<Record<string, FieldChoice>>({});
  const inConflict = detail.conflictFields.filter((f) => f !== '_deleted');
  const chosen = inConflict.filter((f) => choices[f]).length;
  const resolve = (request: { keep: FieldChoice } | { fields: Record<string, FieldChoice> }) =>
    run(async () => {
      try {
        await client.call('records.resolveConflict', { id: detail.id, ...request });
      } finally {
        useUi.getState().openForm(null);
      }
    });
  const pickSide = (field: string, choice: FieldChoice) => setChoices((c) => ({ ...c, [field]: choice }));
  return (
    <section className="conflict" aria-label="Conflict">
      <h3>Conflict with the server’s version</h3>
      <p>
        {deletedRemotely
          ? 'Someone deleted this record on the server while you had changes waiting here.'
          : 'This record changed on the server and here, in the same fields. Choose, field by field, whose value to keep, or keep one version as a whole.'}
      </p>
      {deletedRemotely ? null : (
        <table className="compare">
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Mine</th>
              <th scope="col">Server’s</th>
            </tr>
          </thead>
          <tbody>
            {specs.map((spec) => {
              const mine = detail.fields[spec.name];
              const theirs = detail.remoteFields?.[spec.name];
              const differs = !sameValue(mine, theirs);
              const conflict = detail.conflictFields.includes(spec.name);
              const side = (choice: FieldChoice, fields: Record<string, unknown>) =>
                conflict ? (
                  <label className={choices[spec.name] === choice ? 'conflict-choice chosen' : 'conflict-choice'}>
                    <input
                      type="radio"
                      name={`conflict-${spec.name}`}
                      checked={choices[spec.name] === choice}
                      onChange={() => pickSide(spec.name, choice)}
                      aria-label={`${choice === 'mine' ? 'Mine' : 'Server’s'} for ${spec.label}`}
                    />
                    <FieldValue spec={spec} fields={fields} pick={pick} />
                  </label>
                ) : (
                  <FieldValue spec={spec} fields={fields} pick={pick} />
                );
              return (
                <tr key={spec.name} className={conflict ? 'conflict-row' : differs ? 'differs-row' : undefined}>
                  <th scope="row">
                    {spec.label}
                    {conflict ? <span className="badge badge-conflict">conflict</span> : null}
                  </th>
                  <td>{side('mine', detail.fields)}</td>
                  <td>{side('theirs', detail.remoteFields ?? {})}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <div className="actions">
        {deletedRemotely ? null : (
          <button type="button" className="button primary" disabled={busy || chosen < inConflict.length} onClick={() => void resolve({ fields: choices })}>
            {chosen < inConflict.length ? `Use my choices (${chosen} of ${inConflict.length} chosen)` : 'Use my choices'}
          </button>
        )}
        <button type="button" className={deletedRemotely ? 'button primary' : 'button'} disabled={busy} onClick={() => void resolve({ keep: 'mine' })}>
          Keep mine
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => void resolve({ keep: 'theirs' })}>
          Use server's
        </button>
      </div>
      <p className="muted small">
        {deletedRemotely
          ? 'Keep mine creates it again on the server; Use server’s removes it here.'
          : 'Your choices keep every other change, yours and the server’s. Keep mine sends your whole version over the server’s; Use server’s drops all your changes to this record.'}
      </p>
    </section>
  );
}

/** What an op's attempts say, only where they mean something (a send without an answer, or failing ones). */
export function attemptsText(op: PendingOpDto): string | null {
  if (op.attempts === 0) return null;
  if (op.state === 'unknown' || op.state === 'in_flight') return `sent ${op.attempts === 1 ? 'once' : `${op.attempts} times`}, no answer yet`;
  if (op.state === 'failing') return `${op.attempts} failed tr${op.attempts === 1 ? 'y' : 'ies'}`;
  return null;
}

export function PendingOps({
  ops,
  specs,
  pick,
  context,
  busy,
  run,
}: {
  ops: PendingOpDto[];
  specs: readonly FieldSpec[];
  pick: PickLists;
  context: Record<string, unknown>;
  busy: boolean;
  run: Run;
}) {
  if (ops.length === 0) return null;
  const refused = ops.some((o) => o.state === 'rejected' || o.state === 'failing');
  return (
    <section className="ops" aria-label="Pending changes to this record">
      <h3>{refused ? 'Changes the server has not taken' : 'Changes waiting to be sent'}</h3>
      <ol className="op-list">
        {ops.map((op) => {
          const attempts = attemptsText(op);
          return (
            <li key={op.id} className={`op op-${op.state}`}>
              <div>
                <strong>{opTypeLabel(op.type)}</strong>
                {' — '}
                <span className={`op-state op-state-${op.state}`}>{OP_STATE_LABELS[op.state]}</span>
                {attempts ? <span className="muted"> · {attempts}</span> : null}
                {(op.state === 'queued' || op.state === 'unknown') && op.nextAttemptAt && Date.parse(op.nextAttemptAt) > Date.now() ? (
                  <span className="muted"> · next try {formatRelative(op.nextAttemptAt)}</span>
                ) : null}
              </div>
              <ChangeSummary op={op} specs={specs} pick={pick} context={context} />
              {op.state === 'rejected' || op.state === 'failing' ? (
                <div className="muted small">Not sent again until you fix, retry or discard it (above).</div>
              ) : heldReason(op) ? (
                <div className="muted small">{heldReason(op)}</div>
              ) : op.error ? (
                <div className="muted small">
                  Last error: <PlainText message={op.error} />
                </div>
              ) : null}
              {op.state !== 'in_flight' && op.state !== 'rejected' && op.state !== 'failing' ? (
                <ConfirmButton
                  small
                  label="Discard"
                  question={op.type === 'create' ? 'Discard it, and the new record with it?' : op.type === 'delete' ? 'Keep the record (discard the delete)?' : 'Discard this change?'}
                  confirmLabel="Yes, discard"
                  disabled={busy}
                  onConfirm={() => void run(() => client.call('outbox.discard', { opId: op.id }))}
                />
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}

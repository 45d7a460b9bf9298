import { useEffect, useRef, useState } from 'react';
import type { RecordDetailDto } from '../../src-shared/contract';
import { client } from '../core/client';
import { shown } from '../lib/bidi';
import { systemLabel } from '../lib/format';
import { useHistoryPolicy } from '../stores/history-policy';
import { useUi } from '../stores/ui';
import type { useConfirmStep } from './confirm-step';

const REASONS = ['Retired', 'Broken beyond repair', 'Entered by mistake', 'Duplicate record', 'Moved to another lab'];

/**
 * The delete question, with the reason kept in the record's history. Where the policy requires a
 * reason, the focus goes to it and Enter there confirms; otherwise to "Yes, delete".
 */
export function DeleteConfirm({
  detail,
  step,
  busy,
  run,
}: {
  detail: RecordDetailDto;
  step: ReturnType<typeof useConfirmStep>;
  busy: boolean;
  run(action: () => Promise<unknown>): Promise<void>;
}) {
  const policy = useHistoryPolicy((s) => s.policy);
  const [reason, setReason] = useState('');
  const [missing, setMissing] = useState(false);
  const reasonRef = useRef<HTMLInputElement | null>(null);
  const yesRef = useRef<HTMLButtonElement | null>(null);
  // Until main has said, a reason is asked for (main refuses a delete without one by default).
  const required = policy?.requireReasonForDelete ?? true;

  useEffect(() => {
    if (!policy) void useHistoryPolicy.getState().load();
  }, [policy]);
  // The policy came after the question had the focus on the reason: none is needed after all.
  useEffect(() => {
    if (policy && !required && document.activeElement === reasonRef.current) yesRef.current?.focus();
  }, [policy, required]);

  const confirm = () => {
    const why = reason.trim();
    if (required && !why) {
      setMissing(true);
      reasonRef.current?.focus();
      return;
    }
    void run(async () => {
      await client.call('records.delete', { id: detail.id, ...(why ? { reason: why } : {}) });
      step.done();
      useUi.getState().requestDetailFocus(detail.id);
    });
  };

  return (
    <div className="confirm" role="group" aria-label="Confirm delete" onKeyDown={step.onKeyDown}>
      <p>
        Delete “<bdi>{shown(detail.title)}</bdi>”? It is removed on {systemLabel(detail.system)} as soon as BenchSync can reach it; until then you can discard
        the delete.
      </p>
      <label className={`form-field${missing && !reason.trim() ? ' has-error' : ''}`}>
        <span className="field-label">Reason{required ? '' : ' (optional)'}</span>
        <input
          ref={(el) => {
            reasonRef.current = el;
            if (required) step.confirmRef.current = el;
          }}
          list="delete-reasons"
          value={reason}
          maxLength={2000}
          aria-invalid={missing && !reason.trim()}
          aria-describedby={missing ? 'delete-reason-error' : undefined}
          onChange={(e) => setReason(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              confirm();
            }
          }}
        />
        <datalist id="delete-reasons">
          {REASONS.map((r) => (
            <option key={r} value={r} />
          ))}
        </datalist>
        {missing && !reason.trim() ? (
          <ul id="delete-reason-error" className="field-errors" role="alert">
            <li>Say why it is deleted: the reason is kept in its history.</li>
          </ul>
        ) : null}
      </label>
      <button
        ref={(el) => {
          yesRef.current = el;
          if (!required) step.confirmRef.current = el;
        }}
        type="button"
        className="button danger"
        disabled={busy}
        onClick={confirm}
      >
        Yes, delete
      </button>
      <button type="button" className="button" onClick={step.cancel}>
        Cancel
      </button>
    </div>
  );
}

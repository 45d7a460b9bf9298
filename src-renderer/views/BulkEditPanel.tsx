import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { BulkEditOutcome, RecordSummaryDto } from '../../src-shared/contract';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';
import { client, errorMessage } from '../core/client';
import { shown } from '../lib/bidi';
import { appliesTo, bulkFieldsOf, type BulkField } from '../lib/bulk-fields';
import { fromFormValues, toFormValue, type FormValue } from '../lib/form-values';
import { kindLabel, plural, systemLabel } from '../lib/format';
import { useBulkSelection } from '../stores/bulk-selection';
import { connectionName, useConnections, usePickLists } from '../stores/connections';
import { useUi } from '../stores/ui';
import { FieldInput } from './FieldInput';

/** How long typing may pause before the preview asks the core again. */
const PREVIEW_DEBOUNCE_MS = 250;

interface Refusal {
  id: string;
  title: string;
  reason: string;
}

/**
 * One field set on every ticked record that has it (the fields their profiles offer for bulk
 * edits). Before anything is written, the core runs the very checks of the edit and rolls them
 * back (`records.updateMany` with `dryRun`), so the preview says exactly how many will change and
 * which cannot take it, and why (read-only, in conflict, awaiting a decision, a value their
 * server would refuse). Applying sends only the records that change, all or nothing.
 */
export function BulkEditPanel() {
  const picked = useBulkSelection((s) => s.picked);
  const connections = useConnections((s) => s.connections);
  const openBulkEdit = useUi((s) => s.openBulkEdit);
  const ticked = useMemo(() => [...picked.values()], [picked]);
  const fields = useMemo(() => bulkFieldsOf(ticked), [ticked]);
  const [fieldKey, setFieldKey] = useState<string>('');
  const field = fields.find((f) => f.key === fieldKey) ?? fields[0];

  if (ticked.length === 0) {
    return (
      <div className="empty">
        <p>No records are ticked.</p>
        <p className="muted">Tick records in the list (Space, or Shift for a range) to set a field on all of them at once.</p>
      </div>
    );
  }

  const groupLabel = (f: BulkField) =>
    `${systemLabel(f.system)} · ${kindLabel(f.system, f.kind)}${f.connectionId ? ` · ${connectionName(connections, f.connectionId)}` : ''}`;
  const groups = [...new Set(fields.map(groupLabel))];

  return (
    <article className="bulk-edit" aria-labelledby="bulk-edit-title">
      <h2 id="bulk-edit-title">Edit {plural(ticked.length, 'ticked record')}</h2>
      {field ? (
        <>
          <div className="form-field">
            <label htmlFor="bulk-field" className="field-label">
              Field to set
            </label>
            <select id="bulk-field" value={field.key} onChange={(e) => setFieldKey(e.target.value)}>
              {groups.map((g) => (
                <optgroup key={g} label={g}>
                  {fields
                    .filter((f) => groupLabel(f) === g)
                    .map((f) => (
                      <option key={f.key} value={f.key}>
                        {f.spec.label} ({ticked.filter((r) => appliesTo(f, r)).length} ticked)
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </div>
          <FieldEdit key={field.key} field={field} ticked={ticked} onClose={() => openBulkEdit(false)} />
        </>
      ) : (
        <>
          <p className="notice" role="status">
            None of the ticked records has a field that can be set on many records at once.
          </p>
          <p className="muted">{bulkFieldsSummary()}</p>
          <div className="form-actions">
            <button type="button" className="button" onClick={() => openBulkEdit(false)}>
              Close
            </button>
          </div>
        </>
      )}
    </article>
  );
}

function FieldEdit({ field, ticked, onClose }: { field: BulkField; ticked: RecordSummaryDto[]; onClose(): void }) {
  const connections = useConnections((s) => s.connections);
  const pick = usePickLists(field.connectionId ?? '');
  const drop = useBulkSelection((s) => s.drop);
  const { spec } = field;
  const [value, setValue] = useState<FormValue>(() => toFormValue(spec, undefined));
  const [preview, setPreview] = useState<{ key: string; outcome: BulkEditOutcome } | null>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [applying, setApplying] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; message: string } | null>(null);
  // Bumped after an apply: the preview is asked again (the records now have the value).
  const [round, setRound] = useState(0);

  const inScope = ticked.filter((r) => appliesTo(field, r));
  const outOfScope: Refusal[] = ticked.filter((r) => !appliesTo(field, r)).map((r) => ({ id: r.id, title: r.title, reason: whyNotInScope(field, r, connections) }));
  const converted = fromFormValues([spec], { [spec.name]: value });
  const patch = converted.fields;
  const inputErrors = converted.errors[spec.name];
  const blank = patch[spec.name] === '' || patch[spec.name] === null || patch[spec.name] === undefined;
  // A required field has no "clear it" to preview: first a value.
  const waiting = Boolean(spec.required && blank);
  const requestKey = JSON.stringify([inScope.map((r) => r.id), patch, round]);

  // What the edit would do, asked again whenever the value or the ticked records change, and after applying it.
  useEffect(() => {
    if (inputErrors || waiting || inScope.length === 0) return;
    let current = true;
    const timer = setTimeout(() => {
      client
        .call('records.updateMany', { ids: inScope.map((r) => r.id), fields: patch, dryRun: true })
        .then((outcome) => {
          if (!current) return;
          setPreview({ key: requestKey, outcome });
          setPreviewError(null);
        })
        .catch((error: unknown) => current && setPreviewError(errorMessage(error)));
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [requestKey]);

  // While a new answer is awaited the last one stays on screen (marked), but only a fresh one can be applied.
  const fresh = preview?.key === requestKey;
  const outcome = preview?.outcome ?? null;
  const refused: Refusal[] = [...(outcome?.refused ?? []), ...outOfScope];
  const changing = outcome?.changed ?? [];

  const apply = async (e: FormEvent) => {
    e.preventDefault();
    if (!fresh || !outcome || changing.length === 0 || applying) return;
    setApplying(true);
    setResult(null);
    try {
      const done = await client.call('records.updateMany', { ids: changing.map((r) => r.id), fields: patch });
      setResult({
        ok: true,
        message: `${spec.label} set on ${plural(done.changed.length, 'record')}. Each change is queued and sent when ${systemLabel(field.system)} can be reached.`,
      });
    } catch (error) {
      setResult({ ok: false, message: errorMessage(error) });
    } finally {
      setApplying(false);
      setRound((n) => n + 1);
    }
  };

  return (
    <form className="record-form bulk-form" aria-label={`Set ${spec.label} on ticked records`} onSubmit={(e) => void apply(e)} noValidate>
      <FieldInput
        spec={spec}
        value={value}
        values={{ [spec.name]: value }}
        record={{}}
        errors={inputErrors}
        pick={pick}
        locked={false}
        onChange={(v) => {
          setValue(v);
          setResult(null);
        }}
      />
      <section className="bulk-preview" aria-label="What will change" aria-live="polite">
        {inputErrors ? null : waiting ? (
          <p className="muted">Choose the {spec.label.toLowerCase()} to set; what would change is shown here before anything is saved.</p>
        ) : previewError ? (
          <p className="error-box">Could not check the ticked records: {previewError}</p>
        ) : inScope.length > 0 && !outcome ? (
          <p className="muted">Checking the ticked records…</p>
        ) : (
          <>
            <p className="bulk-summary">
              <strong data-testid="bulk-changing">{plural(changing.length, 'record')} will change</strong>
              {outcome && outcome.unchanged.length > 0 ? ` · ${outcome.unchanged.length} already ${outcome.unchanged.length === 1 ? 'has' : 'have'} this value` : ''}
              {refused.length > 0 ? ` · ${refused.length} cannot take it` : ''}
              {fresh || inScope.length === 0 ? null : <span className="muted"> (checking again…)</span>}
            </p>
            {refused.length > 0 ? (
              <div className="bulk-refused">
                <p className="field-label">Cannot take it:</p>
                <ul aria-label="Records that cannot take it">
                  {refused.map((r) => (
                    <li key={r.id}>
                      <bdi className="remote">{shown(r.title) || '(untitled)'}</bdi> — {r.reason}
                    </li>
                  ))}
                </ul>
                <button type="button" className="button small" onClick={() => drop(refused.map((r) => r.id))}>
                  Untick these {refused.length}
                </button>
              </div>
            ) : null}
          </>
        )}
      </section>
      {result ? (
        <p className={result.ok ? 'notice notice-ok' : 'error-box'} role={result.ok ? 'status' : 'alert'}>
          {result.message}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={!fresh || !outcome || changing.length === 0 || applying}>
          {applying ? 'Saving…' : `Set ${spec.label} on ${plural(changing.length, 'record')}`}
        </button>
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
      </div>
    </form>
  );
}

/** Why a ticked record is not offered this field at all. */
function whyNotInScope(field: BulkField, r: RecordSummaryDto, connections: Parameters<typeof connectionName>[0]): string {
  const profile = SYSTEM_PROFILES[r.system]?.kinds.find((k) => k.kind === r.kind);
  if (!profile?.canUpdate) return `${systemLabel(r.system)} does not let BenchSync change ${kindLabel(r.system, r.kind).toLowerCase()} records.`;
  if (r.system !== field.system || r.kind !== field.kind) return `not a ${systemLabel(field.system)} ${kindLabel(field.system, field.kind).toLowerCase()} record.`;
  return `in “${connectionName(connections, r.connectionId)}”, whose ${field.spec.label.toLowerCase()} choices are its own: tick its records on their own to set it.`;
}

/** Which fields can be set in bulk, system by system (from the profiles). */
function bulkFieldsSummary(): string {
  const parts = Object.values(SYSTEM_PROFILES).flatMap((p) =>
    (p?.kinds ?? [])
      .filter((k) => k.canUpdate && (k.bulkFields?.length ?? 0) > 0)
      .map((k) => `${p!.label} ${k.label.toLowerCase()}s: ${k.bulkFields!.map((n) => k.fields.find((f) => f.name === n)?.label ?? n).join(', ')}`),
  );
  return `Fields that can: ${parts.join('; ')}.`;
}

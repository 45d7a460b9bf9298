import { detailState } from '../lib/record-state';
import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { RecordDetailDto } from '../../src-shared/contract';
import { sameValue } from '../../src-shared/domain/field-diff';
import type { Fields, RecordKind } from '../../src-shared/domain/record-kinds';
import { kindProfile, SYSTEM_PROFILES, type FieldSpec, type KindProfile } from '../../src-shared/domain/remotes';
import { plainMessage } from '../../src-shared/domain/plain-messages';
import { type FieldErrors, validateWith } from '../../src-shared/domain/validation';
import { client, errorFields, formErrorSummary } from '../core/client';
import { today } from '../lib/datetime';
import { systemLabel } from '../lib/format';
import { fromFormValues, mergeErrors, toFormValue, toFormValues, withFormChange, type FormValue, type FormValues } from '../lib/form-values';
import { scanPrefill } from '../lib/scan';
import { useConnections, usePickLists } from '../stores/connections';
import { useSelection } from '../stores/selection';
import { useUi, type RecordForm as FormState } from '../stores/ui';
import { FieldInput } from './FieldInput';
import { PlainText } from './ServerWords';
import { useFormShortcuts } from './shortcuts';

export function RecordForm({ form }: { form: FormState }) {
  if (form.mode === 'create') return <CreateForm kind={form.kind} connectionId={form.connectionId} scanned={form.scanned} />;
  if (form.mode === 'edit') return <EditForm id={form.id} fromProposal={form.fromProposal ?? false} />;
  return <QuickActionForm id={form.id} actionId={form.actionId} />;
}

function CreateForm(props: { kind?: RecordKind; connectionId?: string; scanned?: string | undefined }) {
  const connections = useConnections((s) => s.connections);
  // Connections whose system lets BenchSync create records, with the kinds it may create.
  const creatable = connections.flatMap((c) => (SYSTEM_PROFILES[c.system]?.kinds ?? []).filter((k) => k.canCreate).map((k) => ({ connection: c, kind: k.kind })));
  const kinds = [...new Set(creatable.map((x) => x.kind))];
  const [kind, setKind] = useState<RecordKind | undefined>(props.kind ?? kinds[0]);
  const forKind = creatable.filter((x) => x.kind === kind).map((x) => x.connection);
  const [connectionId, setConnectionId] = useState<string | undefined>(props.connectionId ?? forKind[0]?.id);
  const connection = forKind.find((c) => c.id === connectionId) ?? forKind[0];

  if (!kind || !connection) {
    return (
      <div className="empty">
        <p>None of your connections lets BenchSync create records. Add one under Connections.</p>
      </div>
    );
  }
  const profile = kindProfile(connection.system, kind);
  // A scanned code nothing matched: it goes where this kind keeps ids or serials (never in the name).
  const scanned = props.scanned ? scanPrefill(profile, props.scanned) : null;
  const scannedLabel = scanned ? profile.fields.find((f) => f.name === scanned.field)?.label : undefined;
  return (
    <FieldsForm
      key={`${connection.id}:${kind}`}
      title={`New ${profile.label.toLowerCase()}`}
      profile={profile}
      // What the server computes (read-only fields) has nothing to show before the record exists.
      specs={profile.fields.filter((f) => !f.readOnly)}
      connectionId={connection.id}
      initial={{}}
      prefill={scanned ? { [scanned.field]: props.scanned } : undefined}
      notice={
        props.scanned
          ? scannedLabel
            ? `Nothing here has the id or serial “${props.scanned}”; it is filled in as ${scannedLabel}.`
            : `Nothing here has the id or serial “${props.scanned}”, and a new ${profile.label.toLowerCase()} has no id or serial field that takes it.`
          : null
      }
      proposeKey
      header={
        <div className="form-pickers">
          {kinds.length > 1 ? (
            <div className="form-field">
              <label htmlFor="create-kind" className="field-label">
                Kind
              </label>
              <select id="create-kind" value={kind} onChange={(e) => setKind(e.target.value as RecordKind)}>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {k[0]!.toUpperCase() + k.slice(1)}
                  </option>
                ))}
              </select>
            </div>
          ) : null}
          <div className="form-field">
            <label htmlFor="create-connection" className="field-label">
              Connection
            </label>
            <select id="create-connection" value={connection.id} onChange={(e) => setConnectionId(e.target.value)}>
              {forKind.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({systemLabel(c.system)})
                </option>
              ))}
            </select>
          </div>
        </div>
      }
      submit={async (fields) => (await client.call('records.create', { connectionId: connection.id, kind, fields })).id}
    />
  );
}

/** The record as it was when the form opened: later syncs must not reset what the user is typing. */
function useSnapshot(id: string): RecordDetailDto | null {
  const detail = useSelection((s) => (s.id === id ? s.detail : null));
  const [snapshot, setSnapshot] = useState<RecordDetailDto | null>(detail);
  useEffect(() => {
    if (!snapshot && detail) setSnapshot(detail);
  }, [detail, snapshot]);
  useEffect(() => {
    if (useSelection.getState().id !== id) void useSelection.getState().select(id);
  }, [id]);
  return snapshot;
}

/** A field fixed once the record exists remotely (a client-chosen key) can change only while its create is still here. */
function lockedFields(snapshot: RecordDetailDto, profile: KindProfile): Set<string> {
  const open = detailState(snapshot).createOnlyOpen;
  return new Set(profile.fields.filter((f) => f.createOnly && !open).map((f) => f.name));
}

function EditForm({ id, fromProposal }: { id: string; fromProposal: boolean }) {
  const snapshot = useSnapshot(id);
  if (!snapshot) return <div className="empty">Loading…</div>;
  const profile = kindProfile(snapshot.system, snapshot.kind);
  // A refused edit shows the server's words on the fields it names; saving sends it again.
  const rejected = snapshot.ops.filter((o) => o.state === 'rejected');
  // Resubmitting a rejected proposal starts from what was proposed; what differs from the live record is proposed again.
  const proposal = fromProposal && snapshot.proposal?.status === 'Rejected' ? snapshot.proposal : null;
  const title = snapshot.title || profile.label.toLowerCase();
  return (
    <FieldsForm
      title={proposal ? `Resubmit ${title}` : `Edit ${title}`}
      profile={profile}
      specs={profile.fields}
      connectionId={snapshot.connectionId}
      initial={snapshot.fields}
      prefill={proposal?.fields}
      locked={lockedFields(snapshot, profile)}
      initialErrors={mergeErrors(...rejected.map((o) => o.fieldErrors))}
      initialMessage={rejectedMessage(rejected)}
      notice={
        proposal
          ? 'An administrator rejected this proposal. The form starts from what you proposed: change what is needed and resubmit.'
          : null
      }
      saveLabel={proposal ? 'Resubmit' : 'Save'}
      submit={async (_fields, changed) => {
        if (Object.keys(changed).length > 0) await client.call('records.update', { id, fields: changed });
        else if (proposal) throw new Error('Nothing differs from what was rejected: change something before resubmitting, or discard the proposal.');
        return id;
      }}
    />
  );
}

/** Above the form of a refused change: where the server's objections are, in plain words. */
function rejectedMessage(rejected: readonly RecordDetailDto['ops'][number][]): string | null {
  if (rejected.length === 0) return null;
  if (rejected.every((o) => Object.keys(o.fieldErrors ?? {}).some((k) => k !== '_'))) {
    return 'The server refused the last change; what it objected to is marked under the fields. Fix it and save to send it again.';
  }
  return `The server refused the last change: ${rejected.map((o) => plainMessage(o.error ?? '').text).join(' ')} Fix it below and save to send it again.`;
}

/** A quick action's few fields, prefilled, in the record's detail. */
export function QuickActionForm({ id, actionId }: { id: string; actionId: string }) {
  const snapshot = useSnapshot(id);
  if (!snapshot) return <div className="empty">Loading…</div>;
  const profile = kindProfile(snapshot.system, snapshot.kind);
  const action = profile.quickActions?.find((a) => a.id === actionId);
  if (!action) return <div className="empty">This action is not available for {profile.label.toLowerCase()} records.</div>;
  const specs = action.fields.map((name) => profile.fields.find((f) => f.name === name)).filter((f): f is FieldSpec => Boolean(f));
  const prefill = Object.fromEntries(Object.entries(action.defaults ?? {}).map(([k, v]) => [k, v === '$today' ? today() : v]));
  return (
    <FieldsForm
      title={`${action.label}: ${snapshot.title}`}
      profile={profile}
      specs={specs}
      connectionId={snapshot.connectionId}
      initial={snapshot.fields}
      prefill={prefill}
      locked={lockedFields(snapshot, profile)}
      compact
      submit={async (_fields, changed) => {
        if (Object.keys(changed).length > 0) await client.call('records.update', { id, fields: changed });
        return id;
      }}
    />
  );
}

interface FieldsFormProps {
  title: string;
  profile: KindProfile;
  /** The fields on this form (all of the kind's, or a quick action's few). */
  specs: readonly FieldSpec[];
  connectionId: string;
  /** The record as it is (empty for a create): the base for "what changed" and for whole-record validation. */
  initial: Fields;
  /** Values the form starts with instead of the record's (a quick action's defaults). */
  prefill?: Fields;
  /** Fields shown but not editable here. */
  locked?: ReadonlySet<string>;
  /** Create: fill the client-chosen remote key from the other fields until the user types one. */
  proposeKey?: boolean;
  initialErrors?: FieldErrors;
  initialMessage?: string | null;
  /** Information above the fields (not an error). */
  notice?: string | null;
  saveLabel?: string;
  /** A small form inside the record's detail (a quick action). */
  compact?: boolean;
  header?: ReactNode;
  /** Sends the validated record; `changed` holds only what the user changed. Returns the record id. */
  submit(fields: Fields, changed: Fields): Promise<string>;
}

/** A form generated from the kind profile's field specs, validated by the same schema the core and server use. */
function FieldsForm(props: FieldsFormProps) {
  const { title, profile, specs, connectionId, initial, prefill, locked, proposeKey, initialErrors, initialMessage, notice, saveLabel, compact, header, submit } = props;
  const pick = usePickLists(connectionId);
  const openForm = useUi((s) => s.openForm);
  const initialValues = useMemo(() => toFormValues(specs, initial), [specs, initial]);
  const [values, setValues] = useState<FormValues>(() => {
    const start = { ...initial, ...prefill };
    return {
      ...initialValues,
      ...Object.fromEntries(specs.filter((s) => prefill && s.name in prefill).map((s) => [s.name, toFormValue(s, prefill![s.name], start)])),
    };
  });
  const [errors, setErrors] = useState<FieldErrors>(initialErrors ?? {});
  const [message, setMessage] = useState<string | null>(initialMessage ?? null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const keyField = proposeKey ? profile.remoteKeyField : undefined;
  // A key given from the start (a scanned id) is the user's, not to be replaced by a proposal.
  const keyTouched = useRef(Boolean(keyField && prefill && keyField in prefill));
  const editable = specs.filter((s) => !s.readOnly && !locked?.has(s.name));

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input:not([disabled]), textarea:not([disabled]), select:not([disabled])')?.focus();
  }, []);

  const change = (name: string, value: FormValue) => {
    if (name === keyField) keyTouched.current = true;
    setValues((current) => {
      const next = withFormChange(specs, current, name, value);
      if (keyField && name !== keyField && !keyTouched.current && profile.proposeRemoteKey) {
        next[keyField] = profile.proposeRemoteKey(fromFormValues(editable, next, initial).fields);
      }
      return next;
    });
  };

  // Closing the form gives the focus to the record's heading (or the list), not to the page.
  const cancel = () => {
    const shownId = useSelection.getState().id;
    openForm(null);
    if (shownId) useUi.getState().requestDetailFocus(shownId);
    else requestAnimationFrame(() => document.getElementById('records-listbox')?.focus());
  };
  const save = async () => {
    if (saving) return;
    const converted = fromFormValues(editable, values, initial);
    const before = fromFormValues(editable, initialValues, initial).fields;
    const changed = Object.fromEntries(Object.entries(converted.fields).filter(([k, v]) => !sameValue(before[k], v)));
    // The whole record is checked (rules span fields), as the server will.
    const checked = validateWith(profile.schema, { ...initial, ...converted.fields });
    const local = mergeErrors(converted.errors, checked.ok ? {} : checked.errors);
    if (Object.keys(local).length > 0) {
      setErrors(local);
      setMessage('Some fields need attention.');
      focusFirstError(formRef.current);
      return;
    }
    setSaving(true);
    try {
      const id = await submit(converted.fields, changed);
      // The saved record is loaded before the form goes, so its heading is there to take the focus.
      await useSelection.getState().select(id);
      openForm(null);
      useUi.getState().requestDetailFocus(id);
    } catch (error) {
      setErrors(errorFields(error));
      setMessage(formErrorSummary(error, specs.map((f) => f.name)));
      focusFirstError(formRef.current);
    } finally {
      setSaving(false);
    }
  };
  useFormShortcuts(() => void save(), cancel);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  // Messages for fields not on this form (or for the record as a whole) go above it.
  const shown = new Set(specs.map((f) => f.name));
  const specOf = (name: string) => profile.fields.find((f) => f.name === name);
  const general = Object.entries(errors)
    .filter(([k]) => !shown.has(k))
    .flatMap(([k, v]) => v.map((m) => ({ key: `${k}:${m}`, message: m, spec: specOf(k) })));

  return (
    <form ref={formRef} className={compact ? 'record-form quick-form' : 'record-form'} onSubmit={onSubmit} noValidate aria-label={title}>
      {compact ? <h3>{title}</h3> : <h2>{title}</h2>}
      {header}
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {message ? (
        <div className="error-box" role="alert">
          <p>{message}</p>
          {general.length > 0 ? (
            <ul>
              {general.map((g) => (
                <li key={g.key}>
                  {g.spec && !g.message.startsWith(g.spec.label) ? `${g.spec.label}: ` : null}
                  <PlainText message={g.message} context={g.spec ? { label: g.spec.label, choice: g.spec.input === 'select' } : {}} />
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {specs.map((spec) => (
        <FieldInput
          key={spec.name}
          spec={spec}
          value={values[spec.name] ?? ''}
          values={values}
          record={initial}
          errors={errors[spec.name]}
          pick={pick}
          locked={locked?.has(spec.name) ?? false}
          scopeField={profile.writeScopeField}
          onChange={(v) => change(spec.name, v)}
        />
      ))}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : (saveLabel ?? 'Save')}
        </button>
        <button type="button" className="button" onClick={cancel}>
          Cancel
        </button>
        <span className="muted small">
          {compact ? 'Ctrl+Enter saves · Esc cancels' : '* required · Ctrl+Enter or Ctrl+S saves · Esc cancels. Saved changes are queued and sent when the server can be reached.'}
        </span>
      </div>
    </form>
  );
}

function focusFirstError(form: HTMLFormElement | null) {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

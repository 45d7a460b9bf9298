import { useEffect, useMemo, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { RecordDetailDto } from '../../src-shared/contract';
import { sameValue } from '../../src-shared/domain/field-diff';
import type { Fields, RecordKind } from '../../src-shared/domain/record-kinds';
import { kindProfile, SYSTEM_PROFILES, type FieldSpec, type KindProfile } from '../../src-shared/domain/remotes';
import { type FieldErrors, validateWith } from '../../src-shared/domain/validation';
import { client, errorFields, formErrorSummary } from '../core/client';
import { systemLabel } from '../lib/format';
import { fromFormValues, mergeErrors, toFormValues, type FormValues } from '../lib/form-values';
import { useConnections, type Category } from '../stores/connections';
import { useSelection } from '../stores/selection';
import { useUi, type RecordForm as FormState } from '../stores/ui';
import { useFormShortcuts } from './shortcuts';

export function RecordForm({ form }: { form: FormState }) {
  return form.mode === 'create' ? <CreateForm kind={form.kind} connectionId={form.connectionId} /> : <EditForm id={form.id} />;
}

function CreateForm(props: { kind?: RecordKind; connectionId?: string }) {
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
  return (
    <FieldsForm
      key={`${connection.id}:${kind}`}
      title={`New ${profile.label.toLowerCase()}`}
      profile={profile}
      connectionId={connection.id}
      initial={{}}
      header={
        <div className="form-pickers">
          {kinds.length > 1 ? (
            <label className="form-field">
              <span className="field-label">Kind</span>
              <select value={kind} onChange={(e) => setKind(e.target.value as RecordKind)}>
                {kinds.map((k) => (
                  <option key={k} value={k}>
                    {k[0]!.toUpperCase() + k.slice(1)}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="form-field">
            <span className="field-label">Connection</span>
            <select value={connection.id} onChange={(e) => setConnectionId(e.target.value)}>
              {forKind.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({systemLabel(c.system)})
                </option>
              ))}
            </select>
          </label>
        </div>
      }
      submit={async (fields) => {
        const created = await client.call('records.create', { connectionId: connection.id, kind, fields });
        return created.id;
      }}
    />
  );
}

function EditForm({ id }: { id: string }) {
  const detail = useSelection((s) => (s.id === id ? s.detail : null));
  const [snapshot, setSnapshot] = useState<RecordDetailDto | null>(detail);
  useEffect(() => {
    if (!snapshot && detail) setSnapshot(detail);
  }, [detail, snapshot]);
  useEffect(() => {
    if (useSelection.getState().id !== id) void useSelection.getState().select(id);
  }, [id]);
  if (!snapshot) return <div className="empty">Loading…</div>;
  const profile = kindProfile(snapshot.system, snapshot.kind);
  // A refused edit shows the server's words on the fields it names; saving sends it again.
  const rejected = snapshot.ops.filter((o) => o.state === 'rejected');
  return (
    <FieldsForm
      title={`Edit ${snapshot.title || profile.label.toLowerCase()}`}
      profile={profile}
      connectionId={snapshot.connectionId}
      initial={snapshot.fields}
      initialErrors={mergeErrors(...rejected.map((o) => o.fieldErrors))}
      initialMessage={rejected.length > 0 ? `The server refused the last change: ${rejected.map((o) => o.error).join(' ')} Fix it below and save to send it again.` : null}
      submit={async (fields, changed) => {
        if (Object.keys(changed).length > 0) await client.call('records.update', { id, fields: changed });
        return id;
      }}
    />
  );
}

interface FieldsFormProps {
  title: string;
  profile: KindProfile;
  connectionId: string;
  initial: Fields;
  initialErrors?: FieldErrors;
  initialMessage?: string | null;
  header?: ReactNode;
  /** Sends the validated record; `changed` holds only what the user changed. Returns the record id. */
  submit(fields: Fields, changed: Fields): Promise<string>;
}

/** A form generated from the kind profile's field specs, validated by the same schema the core and server use. */
function FieldsForm({ title, profile, connectionId, initial, initialErrors, initialMessage, header, submit }: FieldsFormProps) {
  const categories = useConnections((s) => s.categories[connectionId]) ?? [];
  const openForm = useUi((s) => s.openForm);
  const initialValues = useMemo(() => toFormValues(profile.fields, initial), [profile, initial]);
  const [values, setValues] = useState<FormValues>(initialValues);
  const [errors, setErrors] = useState<FieldErrors>(initialErrors ?? {});
  const [message, setMessage] = useState<string | null>(initialMessage ?? null);
  const [saving, setSaving] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    formRef.current?.querySelector<HTMLElement>('input, textarea, select')?.focus();
  }, []);

  const cancel = () => openForm(null);
  const save = async () => {
    if (saving) return;
    const converted = fromFormValues(profile.fields, values);
    const before = fromFormValues(profile.fields, initialValues).fields;
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
      openForm(null);
      await useSelection.getState().select(id);
    } catch (error) {
      setErrors(errorFields(error));
      setMessage(formErrorSummary(error, profile.fields.map((f) => f.name)));
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
  const known = new Set(profile.fields.map((f) => f.name));
  const general = Object.entries(errors).filter(([k]) => !known.has(k)).flatMap(([, v]) => v);

  return (
    <form ref={formRef} className="record-form" onSubmit={onSubmit} noValidate aria-label={title}>
      <h2>{title}</h2>
      {header}
      {message ? (
        <div className="error-box" role="alert">
          <p>{message}</p>
          {general.length > 0 ? (
            <ul>
              {general.map((m) => (
                <li key={m}>{m}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {profile.fields.map((spec) => (
        <FieldInput
          key={spec.name}
          spec={spec}
          value={values[spec.name] ?? ''}
          errors={errors[spec.name]}
          categories={categories}
          onChange={(v) => setValues((s) => ({ ...s, [spec.name]: v }))}
        />
      ))}
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={cancel}>
          Cancel
        </button>
        <span className="muted small">* required · Ctrl+Enter or Ctrl+S saves · Esc cancels. Saved changes are queued and sent when the server can be reached.</span>
      </div>
    </form>
  );
}

function focusFirstError(form: HTMLFormElement | null) {
  requestAnimationFrame(() => form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
}

function FieldInput({
  spec,
  value,
  errors,
  categories,
  onChange,
}: {
  spec: FieldSpec;
  value: string | boolean;
  errors: string[] | undefined;
  categories: readonly Category[];
  onChange(value: string | boolean): void;
}) {
  const id = `field-${spec.name}`;
  const describedBy = [spec.help ? `${id}-help` : '', errors?.length ? `${id}-errors` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-invalid': errors?.length ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': spec.required || undefined,
    disabled: spec.readOnly,
  };
  let input: ReactNode;
  switch (spec.input) {
    case 'textarea':
      input = <textarea {...common} rows={6} value={String(value)} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'list':
      input = <textarea {...common} rows={4} value={String(value)} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'json':
      input = <textarea {...common} rows={6} className="mono" value={String(value)} onChange={(e) => onChange(e.target.value)} spellCheck={false} />;
      break;
    case 'checkbox':
      input = <input {...common} type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case 'number':
      input = <input {...common} type="number" value={String(value)} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'date':
      input = <input {...common} type="date" value={String(value)} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'select': {
      const options =
        spec.options && !Array.isArray(spec.options)
          ? categories.map((c) => ({ value: c.remoteId, label: c.name }))
          : ((spec.options as readonly string[] | undefined) ?? []).map((o) => ({ value: o, label: o }));
      const current = String(value);
      input = (
        <select {...common} value={current} onChange={(e) => onChange(e.target.value)}>
          <option value="">{options.length === 0 ? 'No choices pulled yet' : 'Choose…'}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
          {current && !options.some((o) => o.value === current) ? <option value={current}>Unknown ({current})</option> : null}
        </select>
      );
      break;
    }
    default:
      input = <input {...common} type="text" value={String(value)} onChange={(e) => onChange(e.target.value)} autoComplete="off" />;
  }
  return (
    <div className={`form-field${errors?.length ? ' has-error' : ''}`}>
      <div className="label-row">
        <label htmlFor={id} className="field-label">
          {spec.label}
        </label>
        {spec.required ? (
          <span className="required" aria-hidden="true">
            *
          </span>
        ) : null}
      </div>
      {input}
      {spec.help ? (
        <p id={`${id}-help`} className="help">
          {spec.help}
        </p>
      ) : null}
      {errors?.length ? (
        <ul id={`${id}-errors`} className="field-errors">
          {errors.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

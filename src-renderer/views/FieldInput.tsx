import type { ReactNode } from 'react';
import type { Fields } from '../../src-shared/domain/record-kinds';
import type { FieldSpec } from '../../src-shared/domain/remotes';
import { pickListOf, str, type CoordinatesSpec, type DetailsSpec } from '../../src-shared/domain/remotes/profile';
import { axesFor, isCoordinatesForm, type CoordinatesForm } from '../lib/coordinates';
import { isDetailsForm, keysFor, type DetailsForm } from '../lib/details';
import type { FormValue, FormValues } from '../lib/form-values';
import { choiceOffered } from '../../src-shared/domain/record-state';
import type { PickLists } from './FieldValue';
import { PlainText } from './ServerWords';

interface FieldInputProps {
  spec: FieldSpec;
  value: FormValue;
  /** The whole form (a coordinates field reads its system from it). */
  values: FormValues;
  /** The record as it is (for fields not on this form). */
  record: Fields;
  errors: string[] | undefined;
  pick: PickLists;
  /** Shown but fixed (e.g. a key that is already on the server). */
  locked: boolean;
  /** The kind's `writeScopeField`: its choices the server refused this account are not offered (record-state.ts). */
  scopeField?: string | undefined;
  onChange(value: FormValue): void;
}

/** One input as its field spec says: label, control, help, and the messages for it (in plain words). */
export function FieldInput({ spec, value, values, record, errors, pick, locked, scopeField, onChange }: FieldInputProps) {
  const id = `field-${spec.name}`;
  const disabled = spec.readOnly || locked;
  const help = locked ? `${spec.help ? `${spec.help} ` : ''}It is fixed now that the record is on the server.` : spec.help;
  const describedBy = [help ? `${id}-help` : '', errors?.length ? `${id}-errors` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-invalid': errors?.length ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': spec.required || undefined,
    disabled,
  };
  const text = typeof value === 'string' ? value : '';
  let control: ReactNode;
  switch (spec.input) {
    case 'textarea':
    case 'list':
      control = <textarea {...common} rows={spec.input === 'list' ? 4 : 6} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'json':
      control = <textarea {...common} rows={6} className="mono" value={text} onChange={(e) => onChange(e.target.value)} spellCheck={false} />;
      break;
    case 'checkbox':
      control = <input {...common} type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} />;
      break;
    case 'number':
      control = <input {...common} type="number" step="any" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'date':
      control = <input {...common} type="date" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'datetime':
      control = <input {...common} type="datetime-local" step={1} value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'select': {
      const pickList = pickListOf(spec);
      const options = pickList
        ? pick(pickList.source).map((c) => ({
            value: c.remoteId,
            label: c.name,
            // The same rule as the core: a choice the server refused this account is not offered (the record's own stays).
            offered: choiceOffered(scopeField, spec.name, { remoteId: c.remoteId, name: c.name, writeRefused: !c.writable }, record[spec.name]),
          }))
        : ((spec.options as readonly string[] | undefined) ?? []).map((o) => ({ value: o, label: spec.optionLabels?.[o] ?? o, offered: true }));
      control = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          <option value="">{options.length === 0 ? 'No choices pulled yet' : 'Choose…'}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value} disabled={!o.offered}>
              {o.offered ? o.label : `${o.label} (read only for you)`}
            </option>
          ))}
          {text && !options.some((o) => o.value === text) ? <option value={text}>Unknown ({text})</option> : null}
        </select>
      );
      break;
    }
    case 'coordinates':
      if (spec.coordinates && isCoordinatesForm(value)) {
        const systemField = spec.coordinates.systemField;
        const system = systemField in values ? values[systemField] : record[systemField];
        return (
          <div className={`form-field${errors?.length ? ' has-error' : ''}`}>
            <span id={`${id}-label`} className="field-label">
              {spec.label}
            </span>
            <CoordinatesInput id={id} spec={spec.coordinates} value={value} system={str(system)} disabled={disabled ?? false} describedBy={describedBy} onChange={onChange} />
            <Help id={id} spec={spec} help={help} errors={errors} />
          </div>
        );
      }
      control = <input {...common} type="text" value={text} onChange={(e) => onChange(e.target.value)} />;
      break;
    case 'details':
      if (spec.details && isDetailsForm(value)) {
        const typeField = spec.details.typeField;
        const type = typeField in values ? values[typeField] : record[typeField];
        return (
          <div className={`form-field${errors?.length ? ' has-error' : ''}`}>
            <span id={`${id}-label`} className="field-label">
              {spec.label}
            </span>
            <DetailsInput id={id} spec={spec.details} value={value} type={str(type)} disabled={disabled ?? false} describedBy={describedBy} onChange={onChange} />
            <Help id={id} spec={spec} help={help} errors={errors} />
          </div>
        );
      }
      control = <textarea {...common} rows={6} className="mono" value={text} onChange={(e) => onChange(e.target.value)} spellCheck={false} />;
      break;
    default:
      control = <input {...common} type="text" value={text} onChange={(e) => onChange(e.target.value)} autoComplete="off" />;
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
      {control}
      <Help id={id} spec={spec} help={help} errors={errors} />
    </div>
  );
}

/**
 * A field's help text and its error messages, tied to the input by id for screen readers. The
 * messages are the server's (or our offline copy of its rules): said in plain words for this
 * field, with the server's words folded under each.
 */
export function Help({ id, spec, help, errors }: { id: string; spec?: Pick<FieldSpec, 'label' | 'input'>; help: string | undefined; errors: string[] | undefined }) {
  return (
    <>
      {help ? (
        <p id={`${id}-help`} className="help">
          {help}
        </p>
      ) : null}
      {errors?.length ? (
        <ul id={`${id}-errors`} className="field-errors">
          {errors.map((m) => (
            <li key={m}>
              <PlainText message={m} context={spec ? { label: spec.label, choice: spec.input === 'select' } : {}} />
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

/** One number per axis of the chosen coordinate system, with its unit. */
function CoordinatesInput({
  id,
  spec,
  value,
  system,
  disabled,
  describedBy,
  onChange,
}: {
  id: string;
  spec: CoordinatesSpec;
  value: CoordinatesForm;
  system: string;
  disabled: boolean;
  describedBy: string | undefined;
  onChange(value: CoordinatesForm): void;
}) {
  const axes = axesFor(spec, system);
  if (!axes) {
    return (
      <p className="muted small" role="group" aria-labelledby={`${id}-label`}>
        Choose a coordinate system first.
      </p>
    );
  }
  const set = (key: string, patch: Partial<{ value: string; unit: string }>, defaultUnit: string) =>
    onChange({ ...value, axes: { ...value.axes, [key]: { value: '', unit: defaultUnit, ...value.axes[key], ...patch } } });
  return (
    <div className="coordinates" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
      {axes.map((axis) => {
        const entry = value.axes[axis.key];
        const inputId = `${id}-${axis.key}`;
        return (
          <div key={axis.key} className="axis">
            <label htmlFor={inputId}>{axis.label}</label>
            <input
              id={inputId}
              type="number"
              step="any"
              min={axis.min}
              max={axis.max}
              disabled={disabled}
              value={entry?.value ?? ''}
              onChange={(e) => set(axis.key, { value: e.target.value }, axis.defaultUnit)}
            />
            {value.withUnits ? (
              <select
                aria-label={`${axis.label} unit`}
                disabled={disabled}
                value={entry?.unit || axis.defaultUnit}
                onChange={(e) => set(axis.key, { unit: e.target.value }, axis.defaultUnit)}
              >
                {(spec.units[axis.kind] ?? [axis.defaultUnit]).map((u) => (
                  <option key={u} value={u}>
                    {u}
                  </option>
                ))}
              </select>
            ) : (
              <span className="unit">{axis.defaultUnit}</span>
            )}
          </div>
        );
      })}
    </div>
  );
}

/**
 * A details object: one row per key the chosen type documents, and a JSON box for every other key
 * (or for the whole object when the type documents none). See DetailsSpec.
 */
function DetailsInput({
  id,
  spec,
  value,
  type,
  disabled,
  describedBy,
  onChange,
}: {
  id: string;
  spec: DetailsSpec;
  value: DetailsForm;
  type: string;
  disabled: boolean;
  describedBy: string | undefined;
  onChange(value: DetailsForm): void;
}) {
  const keys = value.layout === null ? null : (spec.byType[value.layout] ?? null);
  // The type changed but the JSON box could not be read, so the keys could not be moved yet.
  const stale = value.layout !== (keysFor(spec, type) ? type : null);
  const jsonId = `${id}-json`;
  const hint = stale
    ? 'Fix the JSON below to see the fields of the chosen type.'
    : keys
      ? null
      : type
        ? 'This type has no documented fields: write its details as a JSON object.'
        : 'Choose a type to fill in its details, or write them as a JSON object.';
  return (
    <div className="details" role="group" aria-labelledby={`${id}-label`} aria-describedby={describedBy}>
      {hint ? <p className="muted small">{hint}</p> : null}
      {keys?.map((key) => {
        const inputId = `${id}-${key.key}`;
        const rowValue = value.rows[key.key] ?? '';
        const set = (v: string) => onChange({ ...value, rows: { ...value.rows, [key.key]: v } });
        return (
          <div key={key.key} className="detail-row">
            <label htmlFor={inputId}>{key.label}</label>
            {key.kind === 'boolean' ? (
              <select id={inputId} disabled={disabled} value={rowValue} onChange={(e) => set(e.target.value)}>
                <option value="" />
                <option value="true">Yes</option>
                <option value="false">No</option>
              </select>
            ) : key.kind === 'text' ? (
              <input id={inputId} type="text" disabled={disabled} value={rowValue} onChange={(e) => set(e.target.value)} autoComplete="off" title={key.help} placeholder={key.help} />
            ) : (
              <input id={inputId} type="number" step={key.kind === 'integer' ? 1 : 'any'} disabled={disabled} value={rowValue} onChange={(e) => set(e.target.value)} />
            )}
            {key.unit ? <span className="unit">{key.unit}</span> : <span />}
          </div>
        );
      })}
      <label htmlFor={jsonId} className={keys ? 'details-json-label' : 'visually-hidden'}>
        {keys ? 'Other details (JSON)' : 'Details (JSON)'}
      </label>
      <textarea
        id={jsonId}
        className="mono"
        rows={keys ? 3 : 5}
        disabled={disabled}
        value={value.json}
        onChange={(e) => onChange({ ...value, json: e.target.value })}
        spellCheck={false}
      />
    </div>
  );
}

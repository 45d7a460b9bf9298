import type { Fields } from '../../src-shared/domain/record-kinds';
import type { FieldSpec } from '../../src-shared/domain/remotes';
import { pickListOf, str as strOf } from '../../src-shared/domain/remotes/profile';
import { shown } from '../lib/bidi';
import { describeCoordinates } from '../lib/coordinates';
import { formatDateTime } from '../lib/datetime';
import { describeDetails } from '../lib/details';
import type { PickItem } from '../stores/connections';
import { MarkdownText } from './MarkdownText';

export type PickLists = (source: string) => readonly PickItem[];

/** Nothing worth showing: absent, null, '', [] or {}. */
export function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === '' ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0)
  );
}

const EMPTY = <span className="muted">—</span>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON value in one line: text as is, anything else as JSON. */
function scalarText(value: unknown): string {
  return shown(typeof value === 'string' ? value : JSON.stringify(value));
}

/** A field's value as the kind profile says to show it (pick lists by name, lists as lists, times local), isolated and in logical order (lib/bidi.ts). */
export function FieldValue({ spec, fields, pick }: { spec: FieldSpec; fields: Fields; pick: PickLists }) {
  const str = (v: unknown) => shown(strOf(v));
  const value = fields[spec.name];
  if (isEmpty(value) && spec.input !== 'checkbox') return EMPTY;
  const pickList = pickListOf(spec);
  if (pickList) {
    const item = pick(pickList.source).find((x) => x.remoteId === str(value));
    return <span>{item ? shown(item.name) : `Unknown (${str(value)})`}</span>;
  }
  switch (spec.input) {
    case 'select':
      return <span>{spec.optionLabels?.[str(value)] ?? str(value)}</span>;
    case 'list':
      return Array.isArray(value) ? (
        <ul className="value-list">
          {value.map((v, i) => (
            <li key={i}>{str(v)}</li>
          ))}
        </ul>
      ) : (
        <span>{str(value)}</span>
      );
    case 'textarea':
      return spec.markdown ? <MarkdownText text={strOf(value)} /> : <div className="value-text">{str(value)}</div>;
    case 'json':
      // A list of objects (e.g. external identifiers): one line per item.
      if (Array.isArray(value) && value.every(isPlainObject)) {
        return (
          <ul className="value-list">
            {value.map((item, i) => (
              <li key={i}>
                {Object.entries(item)
                  .map(([k, v]) => `${k}: ${scalarText(v)}`)
                  .join(' · ')}
              </li>
            ))}
          </ul>
        );
      }
      return <pre className="value-json">{shown(JSON.stringify(value, null, 2))}</pre>;
    case 'details': {
      if (!spec.details) return <pre className="value-json">{shown(JSON.stringify(value, null, 2))}</pre>;
      const { rows, rest } = describeDetails(spec.details, value, fields[spec.details.typeField]);
      // Keys the type does not document are shown under their own names.
      const all = [...rows, ...Object.entries(rest).map(([k, v]) => ({ label: k, text: scalarText(v) }))];
      return (
        <dl className="value-details">
          {all.map((r) => (
            <div key={r.label} style={{ display: 'contents' }}>
              <dt>{shown(r.label)}</dt>
              <dd>{shown(r.text)}</dd>
            </div>
          ))}
        </dl>
      );
    }
    case 'checkbox':
      return <span>{value ? 'Yes' : 'No'}</span>;
    case 'datetime':
      return <time dateTime={str(value)}>{formatDateTime(value)}</time>;
    case 'date':
      // Some systems store "none" as 0.
      return value === 0 ? EMPTY : <span>{str(value).slice(0, 10)}</span>;
    case 'coordinates':
      return spec.coordinates ? <span>{shown(describeCoordinates(spec.coordinates, fields, spec.name)) || '—'}</span> : <span>{shown(JSON.stringify(value))}</span>;
    default: {
      const text = str(value);
      if (/^https?:\/\//.test(text)) {
        return (
          <a href={text} target="_blank" rel="noreferrer" className="value-link">
            {text}
          </a>
        );
      }
      return <span>{text}</span>;
    }
  }
}

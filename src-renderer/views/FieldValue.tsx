import type { FieldSpec } from '../../src-shared/domain/remotes';
import { str } from '../../src-shared/domain/remotes/profile';
import type { Category } from '../stores/connections';

/** A field's value as the kind profile says to show it (categories by name, lists as lists). */
export function FieldValue({ spec, value, categories }: { spec: FieldSpec; value: unknown; categories: readonly Category[] }) {
  if (value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0)) {
    return <span className="muted">—</span>;
  }
  if (spec.options && !Array.isArray(spec.options)) {
    const c = categories.find((x) => x.remoteId === str(value));
    return <span>{c ? c.name : `Unknown category #${str(value)}`}</span>;
  }
  switch (spec.input) {
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
      return <div className="value-text">{str(value)}</div>;
    case 'json':
      return <pre className="value-json">{JSON.stringify(value, null, 2)}</pre>;
    case 'checkbox':
      return <span>{value ? 'Yes' : 'No'}</span>;
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

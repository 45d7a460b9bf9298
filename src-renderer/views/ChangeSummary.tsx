import type { PendingOpDto } from '../../src-shared/contract';
import { fieldChanges } from '../../src-shared/domain/field-diff';
import type { Fields } from '../../src-shared/domain/record-kinds';
import type { FieldSpec } from '../../src-shared/domain/remotes';
import { FieldValue, isEmpty, type PickLists } from './FieldValue';
import './ChangeSummary.css';

/** How many fields of a new record the summary names before "and N more". */
const CREATE_FIELDS_SHOWN = 4;

/**
 * What one queued change does, field by field: before (the server's value when the change was
 * made) → after (what the change sends), both as the detail shows them (pick lists by name, not
 * id). `context` is the rest of the record, for values drawn with another field (a position's system).
 */
export function ChangeSummary({ op, specs, pick, context = {} }: { op: PendingOpDto; specs: readonly FieldSpec[]; pick: PickLists; context?: Fields }) {
  const specOf = (field: string): FieldSpec => specs.find((s) => s.name === field) ?? { name: field, label: field, input: 'text' };
  if (op.type === 'delete') return <p className="change-note">Removes the record from the server.</p>;
  if (op.type === 'accept' || op.type === 'reject') return <p className="change-note">{op.type === 'accept' ? 'Accepts' : 'Rejects'} the proposal.</p>;
  if (op.type === 'create') {
    const set = specs.filter((s) => !s.readOnly && !isEmpty(op.payload[s.name]));
    const more = set.length - CREATE_FIELDS_SHOWN;
    return (
      <ul className="change-list" aria-label="New record">
        {set.slice(0, CREATE_FIELDS_SHOWN).map((spec) => (
          <li key={spec.name}>
            <span className="change-field">{spec.label}:</span>{' '}
            <span className="change-after">
              <FieldValue spec={spec} fields={{ ...context, ...op.payload }} pick={pick} />
            </span>
          </li>
        ))}
        {more > 0 ? <li className="muted">and {more} more</li> : null}
      </ul>
    );
  }
  const changes = fieldChanges(op.base, op.payload);
  if (changes.length === 0) return <p className="change-note">No field differs from the server’s values any more.</p>;
  const before: Fields = { ...context, ...op.base };
  const after: Fields = { ...context, ...op.base, ...op.payload };
  return (
    <ul className="change-list" aria-label="Changed fields">
      {changes.map(({ field }) => {
        const spec = specOf(field);
        return (
          <li key={field}>
            <span className="change-field">{spec.label}:</span>{' '}
            <span className="change-before">
              <FieldValue spec={spec} fields={before} pick={pick} />
            </span>
            <span className="change-arrow" aria-label="becomes">
              {' → '}
            </span>
            <span className="change-after">
              <FieldValue spec={spec} fields={after} pick={pick} />
            </span>
          </li>
        );
      })}
    </ul>
  );
}

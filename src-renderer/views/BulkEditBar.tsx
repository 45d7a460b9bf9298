import { plural } from '../lib/format';
import { useBulkSelection } from '../stores/bulk-selection';
import { useUi } from '../stores/ui';
import { PrintLabels } from './PrintLabels';
import './BulkEdit.css';

/** Under the result count while records are ticked: how many, and what can be done with them. */
export function BulkEditBar() {
  const count = useBulkSelection((s) => s.picked.size);
  const note = useBulkSelection((s) => s.note);
  const busy = useBulkSelection((s) => s.busy);
  const clear = useBulkSelection((s) => s.clear);
  const picked = useBulkSelection((s) => s.picked);
  const editing = useUi((s) => s.bulkEdit);
  const openBulkEdit = useUi((s) => s.openBulkEdit);
  if (count === 0 && !note) return null;
  return (
    <div className="bulk-bar" role="group" aria-label="Ticked records">
      <span className="bulk-count" aria-live="polite">
        {busy ? 'Ticking…' : `${plural(count, 'record')} ticked`}
      </span>
      {count > 0 ? (
        <>
          <button type="button" className="button primary small" aria-pressed={editing} onClick={() => openBulkEdit(true)}>
            Edit a field…
          </button>
          <PrintLabels recordIds={[...picked.keys()]} />
          <button
            type="button"
            className="button small"
            onClick={() => {
              clear();
              openBulkEdit(false);
            }}
          >
            Untick all
          </button>
        </>
      ) : null}
      {note ? (
        <p className="bulk-note small" role="status">
          {note}
        </p>
      ) : null}
    </div>
  );
}

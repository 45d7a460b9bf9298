import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { BulkEditPanel } from './BulkEditPanel';
import { RecordDetail } from './RecordDetail';
import { RecordForm } from './RecordForm';
import { RecordsList } from './RecordsList';

export function RecordsView() {
  const uiForm = useUi((s) => s.form);
  const bulkEdit = useUi((s) => s.bulkEdit);
  const layout = useUi((s) => s.recordsLayout);
  const selectedId = useSelection((s) => s.id);
  // A quick action's small form is drawn inside the record's detail.
  const form = uiForm?.mode === 'quick' ? null : uiForm;
  // On a narrow window the list and the pane take turns (styles.css): the pane while it shows something.
  const paneOpen = Boolean(form || bulkEdit || selectedId);
  return (
    <div className={`records-view${paneOpen ? ' pane-open' : ''}${layout === 'table' ? ' records-view-table' : ''}`}>
      <RecordsList />
      <section className="pane" aria-label={bulkEdit ? 'Bulk edit' : form ? (form.mode === 'create' ? 'New record' : 'Edit record') : 'Record details'}>
        {paneOpen ? <BackToList /> : null}
        {bulkEdit ? (
          <BulkEditPanel />
        ) : form ? (
          <RecordForm key={JSON.stringify(form)} form={form} />
        ) : selectedId ? (
          <RecordDetail />
        ) : (
          <EmptyDetail />
        )}
      </section>
    </div>
  );
}

/** Shown only on a narrow window, where the pane covers the list: closes what the pane shows. */
function BackToList() {
  return (
    <button
      type="button"
      className="button back-to-list"
      onClick={() => {
        const ui = useUi.getState();
        ui.openForm(null);
        ui.openBulkEdit(false);
        void useSelection.getState().select(null);
        requestAnimationFrame(() => document.getElementById(ui.recordsLayout === 'table' ? 'records-grid' : 'records-listbox')?.focus());
      }}
    >
      ← Back to the list
    </button>
  );
}

function EmptyDetail() {
  return (
    <div className="empty">
      <p>Select a record to see its details.</p>
      <p className="muted">
        Use <kbd>↑</kbd> <kbd>↓</kbd> and <kbd>Enter</kbd> in the list, <kbd>Space</kbd> to tick records for a bulk edit, <kbd>/</kbd> to search,{' '}
        <kbd>n</kbd> for a new record.
      </p>
    </div>
  );
}

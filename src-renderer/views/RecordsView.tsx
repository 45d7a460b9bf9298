import { useSelection } from '../stores/selection';
import { useUi } from '../stores/ui';
import { RecordDetail } from './RecordDetail';
import { RecordForm } from './RecordForm';
import { RecordsList } from './RecordsList';

export function RecordsView() {
  const uiForm = useUi((s) => s.form);
  const selectedId = useSelection((s) => s.id);
  // A quick action's small form is drawn inside the record's detail.
  const form = uiForm?.mode === 'quick' ? null : uiForm;
  return (
    <div className="records-view">
      <RecordsList />
      <section className="pane" aria-label={form ? (form.mode === 'create' ? 'New record' : 'Edit record') : 'Record details'}>
        {form ? (
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

function EmptyDetail() {
  return (
    <div className="empty">
      <p>Select a record to see its details.</p>
      <p className="muted">
        Use <kbd>↑</kbd> <kbd>↓</kbd> and <kbd>Enter</kbd> in the list, <kbd>/</kbd> to search, <kbd>n</kbd> for a new record.
      </p>
    </div>
  );
}

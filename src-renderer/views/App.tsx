import { detailState } from '../lib/record-state';
import { useEffect } from 'react';
import { SYSTEM_PROFILES } from '../../src-shared/domain/remotes';
import { useConnections } from '../stores/connections';
import { useLinkStore } from '../stores/link';
import { useSelection } from '../stores/selection';
import { useSyncSummary } from '../stores/sync-status';
import { useUi, type View } from '../stores/ui';
import { DISCONNECTED_MESSAGE } from '../core/transport';
import { ApprovalsView } from './ApprovalsView';
import { ConnectionsView } from './ConnectionsView';
import { PendingView } from './PendingView';
import { RecordsView } from './RecordsView';
import { ScanBox } from './ScanBox';
import { StatusBar } from './StatusBar';
import { isTyping } from './shortcuts';

const TABS: { view: View; label: string }[] = [
  { view: 'records', label: 'Records' },
  { view: 'pending', label: 'Pending changes' },
  { view: 'approvals', label: 'Approvals' },
  { view: 'connections', label: 'Connections' },
];

export function App() {
  const view = useUi((s) => s.view);
  const show = useUi((s) => s.show);
  // The same count as the status bar's "N pending changes" and the view's list (one summary).
  const unsent = useSyncSummary().unsent;
  // The reviewer's queue only for connections set up as reviewer (administrator) accounts.
  const reviewer = useConnections((s) => s.connections.some((c) => c.settings.reviewer === 'yes'));
  const tabs = TABS.filter((t) => t.view !== 'approvals' || reviewer || view === 'approvals');
  useGlobalShortcuts();

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">BenchSync</h1>
        <nav aria-label="Views" className="tabs">
          {tabs.map((t) => (
            <button
              key={t.view}
              type="button"
              className={`tab${view === t.view ? ' tab-active' : ''}`}
              aria-current={view === t.view ? 'page' : undefined}
              onClick={() => show(t.view)}
            >
              {t.label}
              {t.view === 'pending' && unsent > 0 ? (
                <span className="tab-count" aria-label={`${unsent} queued`} data-testid="pending-tab-count">
                  {unsent}
                </span>
              ) : null}
            </button>
          ))}
        </nav>
        <ScanBox />
        <p className="shortcut-hint" aria-hidden="true">
          <kbd>/</kbd> search · <kbd>s</kbd> scan · <kbd>n</kbd> new · <kbd>e</kbd> edit
        </p>
      </header>
      <LinkBanner />
      <main className="main">
        {view === 'records' ? <RecordsView /> : view === 'pending' ? <PendingView /> : view === 'approvals' ? <ApprovalsView /> : <ConnectionsView />}
      </main>
      <StatusBar />
    </div>
  );
}

function LinkBanner() {
  const state = useLinkStore((s) => s.state);
  if (state.kind === 'open') return null;
  if (state.kind === 'connecting') {
    return (
      <div className="banner banner-info" role="status">
        Connecting to BenchSync core…
      </div>
    );
  }
  if (state.kind === 'refused' && state.restarted) {
    // The token is new at every launch and only the address the core prints carries it.
    return (
      <div className="banner banner-error" role="alert">
        BenchSync core was restarted, and this page still holds the access token of its last run, which the new one refuses. To go on,
        open the address the core printed when it started again (<code>http://127.0.0.1:…/#token=…</code>), in this tab or a new one.
        Everything saved before the restart is kept.
      </div>
    );
  }
  if (state.kind === 'refused') {
    return (
      <div className="banner banner-error" role="alert">
        BenchSync core refused this window: {state.message} Open the address printed by <code>npm run headless</code> (it carries the
        token).
      </div>
    );
  }
  return (
    <div className="banner banner-error" role="alert">
      {DISCONNECTED_MESSAGE}. Reconnecting (attempt {state.attempt})… What you saved before is safe in the core, but nothing you do
      here is saved until it is back.
      {state.attempt >= 3 ? (
        // A restarted core listens on a new port unless started with --port: this address may never answer again.
        <> If the core was restarted, it printed a new address (<code>http://127.0.0.1:…/#token=…</code>): open that one.</>
      ) : null}
    </div>
  );
}

/** `/` or Ctrl+K: search; `s`: the scan box; `n`: new record; `e`: edit the selected one. */
function useGlobalShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const ui = useUi.getState();
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        ui.requestSearchFocus();
        return;
      }
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target) || ui.form) return;
      if (e.key === '/') {
        e.preventDefault();
        ui.requestSearchFocus();
      } else if (e.key === 's') {
        e.preventDefault();
        ui.requestScanFocus();
      } else if (e.key === 'n') {
        if (useConnections.getState().connections.length === 0) return;
        e.preventDefault();
        ui.openForm({ mode: 'create' });
      } else if (e.key === 'e') {
        const detail = useSelection.getState().detail;
        if (!detail || detailState(detail).block !== null || ui.view !== 'records') return;
        if (!SYSTEM_PROFILES[detail.system]?.kinds.find((k) => k.kind === detail.kind)?.canUpdate) return;
        e.preventDefault();
        ui.openForm({ mode: 'edit', id: detail.id });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

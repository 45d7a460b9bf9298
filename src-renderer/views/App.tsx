import { useConnections } from '../stores/connections';
import { useLinkStore } from '../stores/link';
import { totalsOf, useSyncStatus } from '../stores/sync-status';
import { useUi } from '../stores/ui';
import { DISCONNECTED_MESSAGE } from '../core/transport';
import { ApprovalsView } from './ApprovalsView';
import { CommandNotice, CommandPalette } from './CommandPalette';
import { visibleViews } from './commands';
import { ConnectionsView } from './ConnectionsView';
import { PendingView } from './PendingView';
import { RecordsView } from './RecordsView';
import { ScanBox } from './ScanBox';
import { StatusBar } from './StatusBar';
import { useAppKeys } from './keyboard';

export function App() {
  const view = useUi((s) => s.view);
  const show = useUi((s) => s.show);
  const statuses = useSyncStatus((s) => s.statuses);
  const totals = totalsOf(statuses);
  // The reviewer's queue only for connections set up as reviewer (administrator) accounts.
  const reviewer = useConnections((s) => s.connections.some((c) => c.settings.reviewer === 'yes'));
  const tabs = visibleViews(view, reviewer);
  useAppKeys();

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">BenchSync</h1>
        <nav aria-label="Views" className="tabs">
          {tabs.map((t, i) => (
            <button
              key={t.view}
              type="button"
              className={`tab${view === t.view ? ' tab-active' : ''}`}
              aria-current={view === t.view ? 'page' : undefined}
              onClick={() => show(t.view)}
              title={`${t.label} (${i + 1})`}
            >
              {t.label}
              {t.view === 'pending' && totals.pending + totals.rejected > 0 ? (
                <span className="tab-count" aria-label={`${totals.pending + totals.rejected} queued`}>
                  {totals.pending + totals.rejected}
                </span>
              ) : null}
            </button>
          ))}
        </nav>
        <ScanBox />
        <p className="shortcut-hint" aria-hidden="true">
          <kbd>Ctrl+K</kbd> commands · <kbd>/</kbd> search · <kbd>s</kbd> scan · <kbd>n</kbd> new · <kbd>e</kbd> edit
        </p>
      </header>
      <LinkBanner />
      <CommandNotice />
      <CommandPalette />
      <main className="main" id="main" tabIndex={-1}>
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
      {DISCONNECTED_MESSAGE}. Reconnecting (attempt {state.attempt})… Your edits are safe in the core; changes made here wait until it is
      back.
    </div>
  );
}

import { useConnections } from '../stores/connections';
import { useLinkStore } from '../stores/link';
import { useScanSession } from '../stores/scan-session';
import { useSyncSummary } from '../stores/sync-status';
import { useUi } from '../stores/ui';
import { DISCONNECTED_MESSAGE } from '../core/transport';
import { ApprovalsView } from './ApprovalsView';
import { CalibrationView } from './CalibrationView';
import { CommandNotice, CommandPalette } from './CommandPalette';
import { visibleViews } from './commands';
import { ConnectionsView } from './ConnectionsView';
import { HistoryView } from './HistoryView';
import { PendingView } from './PendingView';
import { RecordsView } from './RecordsView';
import { ScanBox } from './ScanBox';
import { ScanSessionView } from './ScanSessionView';
import { StatusBar } from './StatusBar';
import { useAppKeys } from './keyboard';

export function App() {
  const view = useUi((s) => s.view);
  const show = useUi((s) => s.show);
  // The same count as the status bar's "N pending changes" and the view's list (one summary).
  const unsent = useSyncSummary().unsent;
  // The reviewer's queue only for connections set up as reviewer (administrator) accounts.
  const reviewer = useConnections((s) => s.connections.some((c) => c.settings.reviewer === 'yes'));
  const sessionRunning = useScanSession((s) => s.session !== null && s.session.endedAt === null);
  const tabs = visibleViews(view, reviewer, sessionRunning);
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
              aria-label={t.short ? `${t.label}${t.view === 'pending' && unsent > 0 ? ` ${unsent} queued` : ''}` : undefined}
            >
              {t.short ? (
                <>
                  <span className="tab-long">{t.label}</span>
                  <span className="tab-short">{t.short}</span>
                </>
              ) : (
                t.label
              )}
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
          <kbd>Ctrl+K</kbd> commands · <kbd>/</kbd> search · <kbd>s</kbd> scan · <kbd>n</kbd> new · <kbd>e</kbd> edit
        </p>
      </header>
      <LinkBanner />
      <CommandNotice />
      <CommandPalette />
      <main className="main" id="main" tabIndex={-1}>
        {view === 'records' ? (
          <RecordsView />
        ) : view === 'pending' ? (
          <PendingView />
        ) : view === 'approvals' ? (
          <ApprovalsView />
        ) : view === 'history' ? (
          <HistoryView />
        ) : view === 'calibration' ? (
          <CalibrationView />
        ) : view === 'session' ? (
          <ScanSessionView />
        ) : (
          <ConnectionsView />
        )}
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

import { type App, type BrowserWindow, clipboard, dialog, type Session, shell, type WebContents } from 'electron';
import { EXTERNAL_LINK_HOSTS, externalLinkDecision, type LinkDecision, navigationDecision } from '../shell-policy/external-links';

/**
 * Electron's security checklist, applied to every session and web contents the app creates:
 * no permission is ever granted (BenchSync's renderer needs none), no webview, no new window, no
 * navigation away from the app, and links leave only through the allow-list of
 * shell-policy/external-links.ts.
 */
export function denyAllPermissions(ses: Session): void {
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

let refusalShown = false;

/** Opens an allow-listed link in the user's browser; says why any other one was not opened. */
export function followLink(decision: LinkDecision, url: string, parent: BrowserWindow | null): void {
  if (decision.action === 'open') {
    void shell.openExternal(decision.url); // eng-disable OPEN_EXTERNAL_JS_CHECK reviewed: only an allow-listed, normalised https URL (shell-policy/external-links.ts)
    return;
  }
  // One explanation at a time: a page cannot pile dialogs up.
  if (refusalShown) return;
  refusalShown = true;
  const options = {
    type: 'info' as const,
    title: 'Link not opened',
    message: 'BenchSync did not open this link.',
    detail: `${url.slice(0, 500)}\n\nReason: ${decision.reason}.\n\nBenchSync opens links itself only to ${EXTERNAL_LINK_HOSTS.join(', ')} over https. If you trust this link, copy it into your browser.`,
    buttons: ['Copy link', 'Close'],
    defaultId: 1,
    cancelId: 1,
    noLink: true,
  };
  const shown = parent ? dialog.showMessageBox(parent, options) : dialog.showMessageBox(options);
  void shown
    .then(({ response }) => {
      if (response === 0) clipboard.writeText(url.slice(0, 2048));
    })
    .finally(() => {
      refusalShown = false;
    });
}

function harden(contents: WebContents, windowOf: (c: WebContents) => BrowserWindow | null): void {
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    followLink(externalLinkDecision(url), url, windowOf(contents));
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    const decision = navigationDecision(event.url, contents.getURL());
    if (decision.action === 'allow') return;
    event.preventDefault();
    followLink(decision.link, event.url, windowOf(contents));
  });
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return; // will-navigate above
    if (navigationDecision(event.url, event.frame?.url ?? '').action !== 'allow') event.preventDefault();
  });
}

/** Call before the first window: every web contents (the window's, and any other) is hardened at birth. */
export function hardenApp(app: App, windowOf: (c: WebContents) => BrowserWindow | null): void {
  app.on('web-contents-created', (_event, contents) => harden(contents, windowOf));
}

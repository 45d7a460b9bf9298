/**
 * Electron main entry: the thin shell. Everything it starts (database, outbox, sync) is the same
 * core that runs headless; only the window, menu, notifications, safeStorage and the IPC wiring
 * are Electron's. The decisions the shell makes are pure functions in src-main/shell-policy/.
 */
import { app, BrowserWindow, dialog, session } from 'electron';
import { type AppCore, createAppCore } from './core/app-core';
import { installApplicationMenu } from './electron/app-menu';
import { notifyWhenNeeded } from './electron/attention-notifier';
import { bridgeIpc } from './electron/ipc-bridge';
import { createMainWindow } from './electron/main-window';
import { chooseKeyCipher } from './electron/safe-storage-cipher';
import { denyAllPermissions, hardenApp } from './electron/security';
import { rememberPlacement, restoredPlacement } from './electron/window-state';
import { devRendererUrl, sqliteBindingOverride } from './shell-policy/dev-overrides';

let core: AppCore | undefined;
let quitting = false;

async function boot(): Promise<void> {
  denyAllPermissions(session.defaultSession);
  installApplicationMenu();
  const dataDir = app.getPath('userData');
  const cipher = await chooseKeyCipher(dataDir);
  if (!cipher) {
    app.quit();
    return;
  }
  const opened = await createAppCore({
    dataDir,
    transport: 'electron',
    cipher,
    // `npm start` builds better-sqlite3 for Electron's ABI and says where (scripts/electron-sqlite.mjs);
    // a packaged app has its own, rebuilt by electron-builder.
    sqliteNativeBinding: sqliteBindingOverride(process.env.BENCHSYNC_SQLITE_BINDING, app.isPackaged),
    log: (m) => console.error(m),
  });
  core = opened;
  if (quitting) {
    // The user quit while the core was opening: will-quit has run already.
    core = undefined;
    await opened.close();
    return;
  }
  const window = createMainWindow(restoredPlacement(dataDir), devRendererUrl(process.env.ELECTRON_RENDERER_URL, app.isPackaged));
  rememberPlacement(window, dataDir);
  const unbridge = bridgeIpc(opened, window);
  const unnotify = notifyWhenNeeded(opened, window);
  window.on('closed', () => {
    unbridge();
    unnotify();
  });
}

/** A failure anywhere in boot(): say so, close what was opened, and end with a failure code. */
async function failedToStart(error: unknown): Promise<void> {
  console.error(error);
  dialog.showErrorBox('BenchSync could not start', error instanceof Error ? error.message : String(error));
  const opened = core;
  core = undefined;
  await opened?.close().catch(() => undefined);
  app.exit(1);
}

if (!app.requestSingleInstanceLock()) {
  // Another BenchSync owns the data folder: it is brought forward (second-instance), this one ends.
  app.quit();
} else {
  hardenApp(app, (contents) => BrowserWindow.fromWebContents(contents));
  app.whenReady().then(boot).catch(failedToStart);
  app.on('second-instance', () => {
    const window = BrowserWindow.getAllWindows()[0];
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.show();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', (event) => {
    quitting = true;
    if (!core) return;
    event.preventDefault();
    const closing = core;
    core = undefined;
    void closing.close().finally(() => app.quit());
  });
}

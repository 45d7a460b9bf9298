/**
 * Electron main entry: the thin shell. Everything it starts (database, outbox, sync) is the same
 * core that runs headless; only the window, safeStorage and the IPC wiring are Electron's.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { type AppCore, createAppCore } from './core/app-core';
import { bridgeIpc } from './electron/ipc-bridge';
import { createMainWindow } from './electron/main-window';
import { safeStorageCipher } from './electron/safe-storage-cipher';

let core: AppCore | undefined;

async function boot(): Promise<void> {
  core = await createAppCore({
    dataDir: app.getPath('userData'),
    transport: 'electron',
    cipher: safeStorageCipher(),
    // `npm start` builds better-sqlite3 for Electron's ABI and says where (scripts/electron-sqlite.mjs).
    sqliteNativeBinding: process.env.BENCHSYNC_SQLITE_BINDING,
    log: (m) => console.error(m),
  });
  const window = createMainWindow();
  const unbridge = bridgeIpc(core, window);
  window.on('closed', unbridge);
}

if (!app.requestSingleInstanceLock()) app.quit();

app.whenReady().then(boot, (error: unknown) => {
  dialog.showErrorBox('BenchSync could not start', error instanceof Error ? error.message : String(error));
  app.quit();
});

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus());
app.on('window-all-closed', () => app.quit());
app.on('will-quit', (event) => {
  if (!core) return;
  event.preventDefault();
  const closing = core;
  core = undefined;
  void closing.close().finally(() => app.quit());
});

import { type BrowserWindow, ipcMain } from 'electron';
import type { AppCore } from '../core/app-core';

export const INVOKE_CHANNEL = 'benchsync:invoke';
export const EVENT_CHANNEL = 'benchsync:event';

/** The Electron transport: requests only from our own window's main frame, events to it. */
export function bridgeIpc(core: AppCore, window: BrowserWindow): () => void {
  ipcMain.handle(INVOKE_CHANNEL, (event, method: unknown, payload: unknown) => {
    if (event.sender !== window.webContents || event.senderFrame !== window.webContents.mainFrame) {
      return { ok: false, error: { code: 'invalid_request', message: 'Requests are only accepted from the BenchSync window.' } };
    }
    return core.dispatch(method, payload);
  });
  const unsubscribe = core.onEvent((event, payload) => {
    if (!window.isDestroyed()) window.webContents.send(EVENT_CHANNEL, event, payload);
  });
  return () => {
    ipcMain.removeHandler(INVOKE_CHANNEL);
    unsubscribe();
  };
}

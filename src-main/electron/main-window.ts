import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow } from 'electron';
import type { WindowPlacement } from '../shell-policy/window-bounds';
import { MIN_SIZE } from '../shell-policy/window-bounds';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The one window: isolated, sandboxed, no Node in the renderer, no middle-click windows. Links,
 * navigation, permissions and webviews are handled for every web contents in security.ts.
 * `rendererUrl` is the dev server's (shell-policy/dev-overrides.ts); null loads the bundled renderer.
 */
export function createMainWindow(placement: WindowPlacement, rendererUrl: string | null): BrowserWindow {
  const window = new BrowserWindow({
    x: placement.x,
    y: placement.y,
    width: placement.width,
    height: placement.height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    show: false,
    title: 'BenchSync',
    webPreferences: {
      // The preload exposes two functions (invoke a contract method, listen to contract events) and nothing of Node or ipcRenderer.
      preload: join(here, '../preload/preload.cjs'), // eng-disable PRELOAD_JS_CHECK reviewed: src-main/electron/preload.ts exposes only invoke and onEvent on two fixed channels
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  let shown = false;
  const show = () => {
    if (shown || window.isDestroyed()) return;
    shown = true;
    if (placement.maximized) window.maximize();
    window.show();
  };
  window.once('ready-to-show', show);
  // A renderer that fails to load must not leave an invisible window behind.
  window.webContents.once('did-fail-load', show);
  if (rendererUrl) void window.loadURL(rendererUrl);
  else void window.loadFile(join(here, '../renderer/index.html'));
  return window;
}

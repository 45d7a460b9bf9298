import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserWindow, screen } from 'electron';
import { parseWindowState, placeWindow, serializeWindowState, type WindowPlacement } from '../shell-policy/window-bounds';

const FILE = 'window-state.json';

/** Where the window opens: the bounds saved in the data folder, put back on a display that is there now. */
export function restoredPlacement(dataDir: string): WindowPlacement {
  let text: string | null = null;
  try {
    text = readFileSync(join(dataDir, FILE), 'utf8');
  } catch {
    // First start, or unreadable: the default size.
  }
  const primary = screen.getPrimaryDisplay();
  const others = screen.getAllDisplays().filter((d) => d.id !== primary.id);
  return placeWindow(parseWindowState(text), [primary, ...others].map((d) => d.workArea));
}

/** Saves the window's normal (unmaximised) bounds when it moves or resizes (debounced) and when it closes. */
export function rememberPlacement(window: BrowserWindow, dataDir: string): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    if (window.isDestroyed()) return;
    const path = join(dataDir, FILE);
    try {
      writeFileSync(`${path}.tmp`, serializeWindowState({ bounds: window.getNormalBounds(), maximized: window.isMaximized() }));
      renameSync(`${path}.tmp`, path);
    } catch {
      // Not worth bothering the user: the window opens at the default size next time.
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  window.on('resize', later);
  window.on('move', later);
  window.on('maximize', later);
  window.on('unmaximize', later);
  window.on('close', save);
}

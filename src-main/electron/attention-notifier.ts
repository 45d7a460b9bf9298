import { type BrowserWindow, Notification } from 'electron';
import type { AppCore } from '../core/app-core';
import type { ConnectionStatus } from '../../src-shared/contract/sync';
import { AttentionTracker } from '../shell-policy/attention';

/**
 * A native notification when a connection needs the user (shell-policy/attention.ts decides which
 * and once); clicking it brings the window forward.
 */
export function notifyWhenNeeded(core: AppCore, window: BrowserWindow): () => void {
  const tracker = new AttentionTracker();
  // Kept until closed: an unreferenced notification can be collected before it is clicked.
  const shown = new Set<Notification>();
  return core.onEvent((event, payload) => {
    if (event !== 'sync.status' || window.isDestroyed()) return;
    const notices = tracker.update(payload as ConnectionStatus[], { windowFocused: window.isFocused() });
    if (!Notification.isSupported()) return;
    for (const notice of notices) {
      const n = new Notification({ title: notice.title, body: notice.body });
      shown.add(n);
      if (shown.size > 20) shown.delete(shown.values().next().value!);
      n.on('click', () => {
        if (window.isDestroyed()) return;
        if (window.isMinimized()) window.restore();
        window.show();
        window.focus();
      });
      n.on('close', () => shown.delete(n));
      n.show();
    }
  });
}

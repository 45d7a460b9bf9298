import { useEffect } from 'react';
import { BurstDetector, isScanCharacter, type Keystroke } from '../lib/scan-burst';
import { useCommands } from '../stores/commands';
import { useScan } from '../stores/scan';
import { useUi } from '../stores/ui';
import { currentCommands } from './commands';
import { isTyping } from './shortcuts';

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Alt', 'AltGraph', 'Meta', 'CapsLock', 'Fn']);

/**
 * The app's keys, wherever the focus is: Ctrl+K toggles the command palette; outside text fields
 * the single-key shortcuts of views/commands.ts; and a barcode scanner's burst (lib/scan-burst.ts)
 * is a scan, without the scan box having focus.
 *
 * Outside a text field, a character could be the start of a scan, and a scan must not fire the
 * shortcuts its letters are ("asset-0042" would focus the scan box at its `s`): so characters are
 * held until the burst detector says what they were. A scan's never act; a person's are replayed
 * as shortcuts as soon as they cannot be a scan any more (50 ms after a single key), and if a
 * replayed shortcut put the focus in a text field (`/`, `s`), the rest is typed there.
 *
 * In a text field, typing is never held or changed. Only a burst ending in Enter is looked at:
 * - the scan box handles its own Enter (ScanBox.tsx);
 * - in the search box it is a scan, not a search: the code typed there is taken out again;
 * - in a form's field the code stays in the field (a technician scans a serial into it), and the
 *   scanner's Enter is swallowed so it does not save a half-filled form;
 * - anywhere else (the palette's input, a select) the keys do what they do.
 */
export function useAppKeys(): void {
  useEffect(() => {
    const held = new BurstDetector();
    const inField = new BurstDetector();
    let timer: ReturnType<typeof setTimeout> | undefined;
    /** The search box's text before a burst started typing into it. */
    let searchBefore: { el: HTMLInputElement; value: string } | null = null;

    const release = (keys: Keystroke[]) => {
      if (keys.length > 0) void replay(keys.map((k) => k.key));
    };
    const waitForBurst = () => {
      clearTimeout(timer);
      const deadline = held.deadline();
      if (deadline === null) return;
      timer = setTimeout(() => release(held.idle(performance.now())), Math.max(0, deadline - performance.now()) + 1);
    };

    const onKeyDown = (e: KeyboardEvent) => {
      if (e.isComposing || MODIFIER_KEYS.has(e.key)) return;
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        const commands = useCommands.getState();
        commands.setPaletteOpen(!commands.paletteOpen);
        return;
      }
      const char = !e.ctrlKey && !e.metaKey && !e.altKey && isScanCharacter(e.key) ? e.key : null;
      if (isTyping(e.target)) {
        onFieldKey(e, char);
        return;
      }
      if (char) {
        release(held.char(char, e.timeStamp));
        e.preventDefault();
        e.stopPropagation();
        waitForBurst();
        return;
      }
      if (held.length > 0) {
        clearTimeout(timer);
        if (e.key === 'Enter') {
          const verdict = held.enter(e.timeStamp);
          if (verdict.kind === 'scan') {
            e.preventDefault();
            e.stopPropagation();
            void useScan.getState().scan(verdict.code);
            return;
          }
          release(verdict.keys);
        } else release(held.interrupt());
      }
      // The one shortcut that is not a character.
      if (e.key === 'Delete' && !e.ctrlKey && !e.metaKey && !e.altKey && runShortcut('Delete')) e.preventDefault();
    };

    const onFieldKey = (e: KeyboardEvent, char: string | null) => {
      const el = e.target as HTMLElement;
      if (char) {
        inField.char(char, e.timeStamp);
        if (inField.length === 1) searchBefore = el instanceof HTMLInputElement && el.type === 'search' ? { el, value: el.value } : null;
        return;
      }
      if (e.key !== 'Enter') {
        inField.interrupt();
        return;
      }
      const verdict = inField.enter(e.timeStamp);
      if (verdict.kind !== 'scan' || el.id === 'scan-box') return;
      if (searchBefore?.el === el) {
        e.preventDefault();
        e.stopPropagation();
        setFieldValue(searchBefore.el, searchBefore.value);
        void useScan.getState().scan(verdict.code);
      } else if (el.closest('form')) {
        e.preventDefault();
        e.stopPropagation();
      }
    };

    // Captured, so the held characters never reach the page's own handlers.
    window.addEventListener('keydown', onKeyDown, true);
    return () => {
      clearTimeout(timer);
      window.removeEventListener('keydown', onKeyDown, true);
    };
  }, []);
}

/** Runs the command whose key this is, where shortcuts apply (no form open). Whether one ran. */
function runShortcut(key: string): boolean {
  if (useUi.getState().form || useCommands.getState().paletteOpen) return false;
  const command = currentCommands().find((c) => c.key === key);
  if (!command) return false;
  useCommands.getState().clearNotice();
  void command.run();
  return true;
}

/** A person's held keys: shortcuts, until one of them puts the focus in a text field; the rest is typed there. */
async function replay(keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i++) {
    if (isTyping(document.activeElement)) {
      // The one way to type into a field that its React handlers see as typing.
      document.execCommand('insertText', false, keys.slice(i).join(''));
      return;
    }
    // A shortcut's focus moves once React has drawn: wait two frames for that before the next key.
    if (runShortcut(keys[i]!) && i < keys.length - 1) await nextFrame().then(nextFrame);
  }
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** Sets a React-controlled input's value as typing would (React listens for the input event). */
function setFieldValue(el: HTMLInputElement, value: string): void {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

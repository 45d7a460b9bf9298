import { useEffect } from 'react';
import { BurstDetector, isScanCharacter, type Keystroke } from '../lib/scan-burst';
import { useCommands } from '../stores/commands';
import { useScan } from '../stores/scan';
import { isRunning, useScanSession } from '../stores/scan-session';
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
 * as shortcuts as soon as they cannot be a scan any more (at the latest 150 ms after the last
 * key), and if a replayed shortcut put the focus in a text field (`/`, `s`), the rest is typed
 * there. (Shortcuts that cannot collide, chords like Alt+S, were the other way; single keys are
 * what a gloved hand presses.)
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
    /** After a held key (its `timeStamp`): if nothing follows in time, it was a person's. */
    const waitForBurst = (at: number) => {
      clearTimeout(timer);
      const deadline = held.deadline();
      if (deadline === null) return;
      // Timed from when the key was handled, not its timeStamp: a busy page handles keys late, in clumps.
      const handled = performance.now();
      timer = setTimeout(() => release(held.idle(at + performance.now() - handled)), deadline - at + 1);
    };

    const onKeyDown = (e: KeyboardEvent) => {
      if (e.isComposing || MODIFIER_KEYS.has(e.key)) return;
      const char = !e.ctrlKey && !e.metaKey && !e.altKey && isScanCharacter(e.key) ? e.key : null;
      const typing = isTyping(e.target);
      // Any other key ends what was held: a scan at Enter, else a person's keys, which act first, in order.
      if (!typing && !char && held.length > 0) {
        clearTimeout(timer);
        const verdict = e.key === 'Enter' ? held.enter(e.timeStamp) : { kind: 'typing' as const, keys: held.interrupt() };
        if (verdict.kind === 'scan') {
          e.preventDefault();
          e.stopPropagation();
          takeScan(verdict.code);
          return;
        }
        release(verdict.keys);
      }
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'k') {
        e.preventDefault();
        const commands = useCommands.getState();
        commands.setPaletteOpen(!commands.paletteOpen);
        return;
      }
      if (typing) onFieldKey(e, char);
      else if (char) {
        release(held.char(char, e.timeStamp));
        e.preventDefault();
        e.stopPropagation();
        waitForBurst(e.timeStamp);
      } else if (e.key === 'Delete' && !e.ctrlKey && !e.metaKey && !e.altKey && runShortcut('Delete')) {
        // The one shortcut that is not a character.
        e.preventDefault();
      }
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
      if (verdict.kind !== 'scan' || el.id === 'scan-box' || el.id === 'session-code') return;
      if (searchBefore?.el === el) {
        e.preventDefault();
        e.stopPropagation();
        setFieldValue(searchBefore.el, searchBefore.value);
        takeScan(verdict.code);
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

/**
 * Where a scan goes: to the scan session while one runs (shown, so its row is seen), else to
 * the scan box, which opens its record. With a form open, to the scan box still: it lists the
 * match instead of opening it, so what is being typed is kept.
 */
function takeScan(code: string): void {
  if (isRunning() && !useUi.getState().form) {
    useUi.getState().show('session');
    void useScanSession.getState().scan(code);
  } else void useScan.getState().scan(code);
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

/**
 * A person's held keys: shortcuts, until one of them puts the focus in a text field; the rest is
 * typed there. Keys pressed on the page never land in a field the focus reached some other way
 * meanwhile (a click into the search box): they were meant for the page, so they are dropped.
 */
async function replay(keys: string[]): Promise<void> {
  let ranShortcut = false;
  for (let i = 0; i < keys.length; i++) {
    if (isTyping(document.activeElement)) {
      // The one way to type into a field that its React handlers see as typing.
      if (ranShortcut) document.execCommand('insertText', false, keys.slice(i).join(''));
      return;
    }
    // A shortcut's focus moves once React has drawn: wait two frames for that before the next key.
    if (runShortcut(keys[i]!)) {
      ranShortcut = true;
      if (i < keys.length - 1) await nextFrame().then(nextFrame);
    }
  }
}

const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));

/** Sets a React-controlled input's value as typing would (React listens for the input event). */
function setFieldValue(el: HTMLInputElement, value: string): void {
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

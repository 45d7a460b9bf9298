import { useEffect, useRef } from 'react';

/** Whether a key press is typing into something (shortcut letters must not fire there). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (target instanceof HTMLInputElement) return !['checkbox', 'radio', 'button', 'submit', 'reset'].includes(target.type);
  return false;
}

/** A form's keys, wherever the focus is: Escape cancels, Ctrl+Enter or Ctrl+S saves. */
export function useFormShortcuts(onSave: () => void, onCancel: () => void): void {
  const latest = useRef({ onSave, onCancel });
  latest.current = { onSave, onCancel };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        latest.current.onCancel();
      } else if ((e.ctrlKey || e.metaKey) && (e.key === 'Enter' || e.key.toLowerCase() === 's')) {
        e.preventDefault();
        latest.current.onSave();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

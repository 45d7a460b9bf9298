import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/**
 * The second step of a destructive action, for the keyboard too: asking puts the focus on the
 * confirming button (Enter confirms), Escape cancels (inside the question, or with the focus left
 * on the page), and cancelling gives the focus back to the button that asked.
 */
export function useConfirmStep() {
  const [asking, setAsking] = useState(false);
  const askRef = useRef<HTMLButtonElement>(null);
  /** What the question's focus goes to: its confirming button, or the first thing it asks for. */
  const confirmRef = useRef<HTMLButtonElement | HTMLInputElement | null>(null);
  const refocusAsk = useRef(false);

  const cancel = () => {
    refocusAsk.current = true;
    setAsking(false);
  };

  useEffect(() => {
    if (!asking) {
      if (refocusAsk.current) askRef.current?.focus();
      refocusAsk.current = false;
      return;
    }
    confirmRef.current?.focus();
    // Captured before the page's own keys (a form's Escape): this question is the nearer thing to cancel.
    const onKey = (e: globalThis.KeyboardEvent) => {
      const focus = document.activeElement;
      if (e.key !== 'Escape' || (focus && focus !== document.body)) return;
      e.preventDefault();
      e.stopPropagation();
      cancel();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [asking]);

  /** For the element around the question: Escape there cancels. */
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Escape') return;
    e.preventDefault();
    e.stopPropagation();
    cancel();
  };

  return { asking, ask: () => setAsking(true), cancel, done: () => setAsking(false), askRef, confirmRef, onKeyDown };
}

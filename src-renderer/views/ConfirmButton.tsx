import { useState } from 'react';

/** A destructive action in two steps, inline (no modal dialog): the button, then the question. */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  disabled,
  small,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm(): void;
  disabled?: boolean;
  small?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  const size = small ? ' small' : '';
  if (!asking) {
    return (
      <button type="button" className={`button danger${size}`} disabled={disabled} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="inline-confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        type="button"
        className={`button danger${size}`}
        disabled={disabled}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className={`button${size}`} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

import { useConfirmStep } from './confirm-step';

/**
 * A destructive action in two steps, inline (no modal dialog): the button, then the question.
 * Asking focuses the confirming button; Escape cancels and gives the focus back.
 */
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
  const step = useConfirmStep();
  const size = small ? ' small' : '';
  if (!step.asking) {
    return (
      <button ref={step.askRef} type="button" className={`button danger${size}`} disabled={disabled} onClick={step.ask}>
        {label}
      </button>
    );
  }
  return (
    <span className="inline-confirm" role="group" aria-label={question} onKeyDown={step.onKeyDown}>
      <span>{question}</span>
      <button
        ref={(el) => {
          step.confirmRef.current = el;
        }}
        type="button"
        className={`button danger${size}`}
        disabled={disabled}
        onClick={() => {
          step.done();
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className={`button${size}`} onClick={step.cancel}>
        Cancel
      </button>
    </span>
  );
}

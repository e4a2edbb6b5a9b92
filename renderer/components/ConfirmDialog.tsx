import { useEffect, useRef, type ReactNode } from 'react';

/** Asks before something that cannot be undone. A modal <dialog>: focus stays inside, Escape
 *  cancels, and the safe button has the focus first. */
export function ConfirmDialog(props: {
  readonly id: string;
  readonly title: string;
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly cancelLabel: string;
  readonly tone: 'danger' | 'primary';
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  /** Extra classes for the dialog and for its text (a view's own look). */
  readonly className?: string;
  readonly textClassName?: string;
}) {
  const { id, title, children, confirmLabel, cancelLabel, tone, onConfirm, onCancel, className, textClassName } = props;
  const dialog = useRef<HTMLDialogElement>(null);
  const cancelButton = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    cancelButton.current?.focus();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className={className ? `dialog ${className}` : 'dialog'}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h3 id={`${id}-title`}>{title}</h3>
      <div id={`${id}-text`} className={textClassName}>
        {children}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button secondary" ref={cancelButton} onClick={onCancel}>
          {cancelLabel}
        </button>
        <button type="button" className={`button ${tone}`} onClick={onConfirm}>
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

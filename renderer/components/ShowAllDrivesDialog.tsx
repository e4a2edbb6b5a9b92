import { useEffect, useRef } from 'react';

/** The danger confirmation before system drives are listed. A modal <dialog>: focus stays inside,
 *  Escape cancels, and "Keep them hidden" has the focus first. */
export function ShowAllDrivesDialog({ onConfirm, onCancel }: { readonly onConfirm: () => void; readonly onCancel: () => void }) {
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
      className="dialog"
      aria-labelledby="show-all-title"
      aria-describedby="show-all-text"
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
    >
      <h3 id="show-all-title">Show system drives?</h3>
      <p id="show-all-text">
        System drives hold this computer’s operating system or your data. Choosing one by mistake erases it. Stickwright still refuses the disk the
        running system is on.
      </p>
      <div className="dialog-actions">
        <button type="button" className="button secondary" ref={cancelButton} onClick={onCancel}>
          Keep them hidden
        </button>
        <button type="button" className="button danger" onClick={onConfirm}>
          Show all drives
        </button>
      </div>
    </dialog>
  );
}

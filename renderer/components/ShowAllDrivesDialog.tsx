import { ConfirmDialog } from './ConfirmDialog';

/** The danger confirmation before system drives are listed; "Keep them hidden" has the focus. */
export function ShowAllDrivesDialog({ onConfirm, onCancel }: { readonly onConfirm: () => void; readonly onCancel: () => void }) {
  return (
    <ConfirmDialog id="show-all" title="Show system drives?" confirmLabel="Show all drives" cancelLabel="Keep them hidden" tone="danger" onConfirm={onConfirm} onCancel={onCancel}>
      <p>
        System drives hold this computer’s operating system or your data. Choosing one by mistake erases it. Stickwright still refuses the disk the
        running system is on.
      </p>
    </ConfirmDialog>
  );
}

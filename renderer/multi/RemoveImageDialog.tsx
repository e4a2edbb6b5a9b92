import type { StickImageEntry } from '../../shared/contract/multiImage';
import type { ImageUsage } from '../../shared/usage/usageReport';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { imageTitle, removeLosses } from './imageWords';

/** The question before a remove: exactly what is deleted, and that the other images stay. The
 *  safe answer has the focus; Escape keeps the image. */
export function RemoveImageDialog(props: {
  readonly id: string;
  readonly entry: StickImageEntry;
  readonly usage: ImageUsage | undefined;
  readonly device: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}) {
  const { id, entry, usage, device, onConfirm, onCancel } = props;
  const losses = removeLosses(entry, usage);
  return (
    <ConfirmDialog
      id={id}
      className="health-dialog"
      textClassName="health-dialog-text"
      title={`Remove “${imageTitle(entry)}” from the stick?`}
      confirmLabel="Remove image"
      cancelLabel="Keep it"
      tone="danger"
      onCancel={onCancel}
      onConfirm={onConfirm}
    >
      <p>This deletes {losses.join(', ')}. The other images on the stick are not touched; the boot menu lists them without it.</p>
      {entry.isDefault && <p>It is the image the stick starts by default: the next one in the menu takes its place.</p>}
      <p className="mono small">{device}</p>
    </ConfirmDialog>
  );
}

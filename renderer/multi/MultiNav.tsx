import { useAppStore } from '../store';
import { useBusyReason } from '../store/selectors';
import { WriteIcon } from '../health/HealthNav';
import './multi.css';

/** The header's way in and out of the images view. Kept off while a job changes a stick. */
export function MultiNavButton() {
  const view = useAppStore((s) => s.view);
  const openMulti = useAppStore((s) => s.openMulti);
  const closeMulti = useAppStore((s) => s.closeMulti);
  const busy = useBusyReason();
  if (view === 'multi') {
    return (
      <button type="button" className="header-link" onClick={closeMulti} disabled={busy !== null} title={busy ?? 'Write a stick'}>
        <WriteIcon />
        <span className="header-link-label">Write a stick</span>
      </button>
    );
  }
  return (
    <button type="button" className="header-link" onClick={() => openMulti()} disabled={busy !== null} title={busy ?? 'Add an image to a written stick, or remove one'}>
      <ImagesIcon />
      <span className="header-link-label">Add an image</span>
    </button>
  );
}

/** For the Done step: straight to adding an image to the stick just written. */
export function AddToStickButton({ device }: { readonly device: string }) {
  const openMulti = useAppStore((s) => s.openMulti);
  return (
    <button type="button" className="button secondary add-to-stick" onClick={() => openMulti(device, 'add')}>
      <ImagesIcon />
      Add an image to this stick
    </button>
  );
}

function ImagesIcon() {
  return (
    <svg className="header-link-icon" viewBox="0 0 24 24" aria-hidden="true">
      <rect x="4" y="9" width="13" height="11" rx="2" />
      <path d="M8 5h10a2 2 0 0 1 2 2v9" />
      <path d="M10.5 12v5M8 14.5h5" />
    </svg>
  );
}

import { useAppStore } from '../store';
import { useBusyReason } from '../store/selectors';
import { WriteIcon } from '../health/HealthNav';
import './restore.css';

/** The header's way in and out of the restore view. Kept off while a job changes a stick. */
export function RestoreNavButton() {
  const view = useAppStore((s) => s.view);
  const openRestore = useAppStore((s) => s.openRestore);
  const closeRestore = useAppStore((s) => s.closeRestore);
  const busy = useBusyReason();
  if (view === 'restore') {
    return (
      <button type="button" className="header-link" onClick={closeRestore} disabled={busy !== null} title={busy ?? 'Write a stick'}>
        <WriteIcon />
        <span className="header-link-label">Write a stick</span>
      </button>
    );
  }
  return (
    <button type="button" className="header-link" onClick={() => openRestore()} disabled={busy !== null} title={busy ?? 'Turn a stick back into a plain drive for files'}>
      <RestoreIcon />
      <span className="header-link-label">Restore a stick</span>
    </button>
  );
}

/** For the Done step: straight to restoring the stick just written (to use it for files again). */
export function RestoreStickButton({ device }: { readonly device: string }) {
  const openRestore = useAppStore((s) => s.openRestore);
  return (
    <button type="button" className="button secondary add-to-stick" onClick={() => openRestore(device)}>
      <RestoreIcon />
      Restore this stick to a plain drive
    </button>
  );
}

function RestoreIcon() {
  return (
    <svg className="header-link-icon" viewBox="0 0 24 24" aria-hidden="true">
      <path d="M4 12a8 8 0 1 0 2.5-5.8" />
      <path d="M4 4v5h5" />
    </svg>
  );
}

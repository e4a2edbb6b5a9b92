import { useAppStore } from '../store';
import { useBusyReason } from '../store/selectors';
import './health.css';

/** The header's way in and out of the health view. Kept off while a job changes a stick, so its
 *  progress stays in sight. */
export function HealthNavButton() {
  const view = useAppStore((s) => s.view);
  const openHealth = useAppStore((s) => s.openHealth);
  const closeHealth = useAppStore((s) => s.closeHealth);
  const busy = useBusyReason();
  if (view === 'health') {
    return (
      <button type="button" className="header-link" onClick={closeHealth} disabled={busy !== null} title={busy ?? 'Write a stick'}>
        <WriteIcon />
        <span className="header-link-label">Write a stick</span>
      </button>
    );
  }
  return (
    <button type="button" className="header-link" onClick={() => openHealth()} disabled={busy !== null} title={busy ?? 'How full each image on a stick is'}>
      <HealthIcon />
      <span className="header-link-label">Stick health</span>
    </button>
  );
}

/** For the Done step: check the stick just written. */
export function CheckHealthButton({ device }: { readonly device: string }) {
  const openHealth = useAppStore((s) => s.openHealth);
  return (
    <button type="button" className="button secondary check-health" onClick={() => openHealth(device)}>
      <HealthIcon />
      Check stick health
    </button>
  );
}

function HealthIcon() {
  return (
    <svg className="header-link-icon" viewBox="0 0 24 24" aria-hidden="true">
      <path d="M3 12h4l2-5 4 10 2-5h6" />
    </svg>
  );
}

export function WriteIcon() {
  return (
    <svg className="header-link-icon" viewBox="0 0 24 24" aria-hidden="true">
      <rect x="8" y="2" width="8" height="6" rx="1" />
      <rect x="5" y="8" width="14" height="14" rx="3" />
    </svg>
  );
}

import type { Drive } from '../../shared/contract/drive';
import type { PlanProblem } from '../../shared/plan/stickPlan';
import { cleanForDisplay, LARGE_DRIVE } from '../lib/planning';
import { formatBytes, formatDriveSize } from '../lib/format';

/** One drive in the list: a radio button with what it is, and why it cannot or should not be chosen. */
export function DriveOption(props: {
  readonly drive: Drive;
  readonly checked: boolean;
  readonly tooSmall: PlanProblem | null;
  readonly onSelect: () => void;
}) {
  const { drive, checked, tooSmall, onSelect } = props;
  const id = `drive-${drive.device.replace(/[^A-Za-z0-9]/g, '-')}`;
  const name = cleanForDisplay(drive.description) || cleanForDisplay(drive.device);
  const notes: { key: string; tone: 'warn' | 'danger' | 'info'; text: string }[] = [];
  if (tooSmall) notes.push({ key: 'small', tone: 'info', text: `Too small: ${tooSmall.message}` });
  if (drive.isSystem) notes.push({ key: 'system', tone: 'danger', text: 'System drive: it holds this computer’s system or data.' });
  for (const mount of drive.mountpoints) {
    notes.push({ key: `m:${mount}`, tone: 'warn', text: `Mounted at ${cleanForDisplay(mount)}: will be unmounted and erased.` });
  }
  if (drive.size > LARGE_DRIVE) {
    notes.push({ key: 'large', tone: 'warn', text: `${formatDriveSize(drive.size)} is very large: is this really a USB stick?` });
  }
  return (
    <li className={`drive${checked ? ' selected' : ''}${tooSmall ? ' disabled' : ''}`}>
      <input
        type="radio"
        name="drive"
        id={id}
        value={drive.device}
        checked={checked}
        disabled={tooSmall !== null}
        onChange={onSelect}
        aria-describedby={notes.length ? `${id}-notes` : undefined}
      />
      <label htmlFor={id}>
        <svg className="drive-icon" viewBox="0 0 24 24" aria-hidden="true">
          <rect x="7" y="2.5" width="10" height="6" rx="1" />
          <rect x="4.5" y="8.5" width="15" height="13" rx="2.5" />
        </svg>
        <span className="drive-text">
          <span className="drive-name">{name}</span>
          <span className="drive-meta">
            <span className="drive-device">{cleanForDisplay(drive.device)}</span>
            <span>{formatDriveSize(drive.size)}</span>
            <span className="muted">{formatBytes(drive.size)}</span>
            {drive.busType !== 'UNKNOWN' && <span className="muted">{drive.busType}</span>}
          </span>
        </span>
      </label>
      {notes.length > 0 && (
        <ul className="drive-notes" id={`${id}-notes`}>
          {notes.map((n) => (
            <li key={n.key} className={`drive-note ${n.tone}`}>
              {n.text}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

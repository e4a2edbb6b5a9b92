import { useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../store';
import { defaultSizes, tooSmallReason } from '../lib/planning';
import { DriveOption } from '../components/DriveOption';
import { ErrorNotice } from '../components/ErrorNotice';
import { ShowAllDrivesDialog } from '../components/ShowAllDrivesDialog';
import { StepFrame } from '../components/StepFrame';
import { useWriteMode } from '../store/selectors';
import { rawTooSmallReason } from '../lib/writeMode';

/** How often the list is refreshed while this step is shown: a stick plugged in appears within ~1–2 s,
 *  with room for a slow lsblk on a busy machine. */
export const DRIVE_POLL_MS = 1000;

/** Step 2: choose the stick. System drives hidden unless asked for; too-small drives shown disabled. */
export function DriveStep() {
  const { drives, drivesLoaded, drivesError, showAll, selectedDrive, refreshDrives, setShowAll, selectDrive, report, choices, sizedFor, fitSizes, goTo } =
    useAppStore();
  const [confirming, setConfirming] = useState(false);
  const { mode } = useWriteMode();

  useEffect(() => {
    void refreshDrives();
    const timer = window.setInterval(() => void refreshDrives(), DRIVE_POLL_MS);
    return () => window.clearInterval(timer);
  }, [refreshDrives]);

  const reasons = useMemo(
    // Raw mode needs room for the image's bytes only (a compressed image's size is known to the worker).
    () => new Map(drives.map((d) => [d.device, mode === 'raw' ? rawTooSmallReason(report, d) : report ? tooSmallReason(report, d, choices.fs) : null])),
    [drives, report, choices.fs, mode],
  );

  // A drive chosen for an earlier image may be too small for this one.
  const usable = selectedDrive !== null && !reasons.get(selectedDrive.device);

  return (
    <StepFrame
      id="drive-step"
      title="Choose the stick"
      lead="Plug in a USB stick: it appears here within a couple of seconds. Everything on the stick you choose will be erased."
      back={{ label: 'Back', onClick: () => goTo('image') }}
      next={{
        label: 'Next',
        disabled: !usable,
        onClick: () => {
          if (mode === 'raw') {
            goTo('review');
            return;
          }
          // A newly chosen drive (or image) gets sizes that fit it; coming back keeps what was set.
          const key = selectedDrive && report ? `${report.path}:${selectedDrive.device}:${selectedDrive.size}` : null;
          if (key && report && selectedDrive && key !== sizedFor) fitSizes(key, defaultSizes(report, selectedDrive.size, choices));
          goTo('persistence');
        },
      }}
      status={usable ? undefined : selectedDrive ? 'The chosen drive is too small for this image' : 'Choose a drive to continue'}
    >
      {drivesError && <ErrorNotice error={drivesError} title="The drives cannot be listed" />}
      <div role="radiogroup" aria-label="Drives" aria-busy={!drivesLoaded}>
        {drives.length > 0 ? (
          <ul className="drive-list">
            {drives.map((drive) => (
              <DriveOption
                key={drive.device}
                drive={drive}
                checked={selectedDrive?.device === drive.device}
                tooSmall={reasons.get(drive.device) ?? null}
                onSelect={() => selectDrive(drive)}
              />
            ))}
          </ul>
        ) : (
          <div className="empty-drives">
            <span className="pulse" aria-hidden="true" />
            <p>{drivesLoaded ? 'No USB stick found. Plug one in; it will show up here.' : 'Looking for drives…'}</p>
          </div>
        )}
      </div>
      <label className="check show-all">
        <input
          type="checkbox"
          checked={showAll}
          onChange={(e) => {
            if (e.target.checked) setConfirming(true);
            else setShowAll(false);
          }}
        />
        <span>
          Show all drives <span className="muted">(system disks too)</span>
        </span>
      </label>
      {confirming && (
        <ShowAllDrivesDialog
          onConfirm={() => {
            setConfirming(false);
            setShowAll(true);
          }}
          onCancel={() => setConfirming(false)}
        />
      )}
    </StepFrame>
  );
}

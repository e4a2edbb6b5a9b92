import { useState } from 'react';
import { useAppStore } from '../store';
import { useCurrentPlan } from '../store/selectors';
import { cleanForDisplay } from '../lib/planning';
import { formatBytes, formatDriveSize, imageName } from '../lib/format';
import { PlanSummary } from '../components/PlanSummary';
import { PlanProblems } from '../components/PlanProblems';
import { StepFrame } from '../components/StepFrame';
import { useWriteMode } from '../store/selectors';

/** Step 4: exactly what will be erased and what will be made; nothing happens without the checkbox. */
export function ReviewStep() {
  const { selectedDrive: drive, isoPath, report, goTo, startWrite } = useAppStore();
  const result = useCurrentPlan();
  const { mode } = useWriteMode();
  const raw = mode === 'raw';
  const [confirmed, setConfirmed] = useState(false);
  // Unmounting is its own consent, as the CLI's --unmount is not implied by --yes.
  const [unmountAgreed, setUnmountAgreed] = useState(false);
  if (!drive || (!result && !raw)) return null;
  const device = cleanForDisplay(drive.device);
  const mounted = drive.mountpoints.map(cleanForDisplay);
  const ready = confirmed && (raw || result?.ok === true) && (mounted.length === 0 || unmountAgreed);
  const name = imageName(isoPath, report?.volume.label);

  return (
    <StepFrame
      id="review-step"
      title="Review"
      lead="Check what will be erased and what will be made. This is the last step before the stick is written."
      back={{ label: 'Back', onClick: () => goTo(raw ? 'drive' : 'persistence') }}
      next={{ label: `Erase and write`, tone: 'danger', onClick: () => void startWrite({ unmount: mounted.length > 0 && unmountAgreed, mode: raw ? 'raw' : 'persistent' }), disabled: !ready }}
      status={!confirmed ? 'Confirm the erase to write' : mounted.length > 0 && !unmountAgreed ? 'Agree to unmount the mounted filesystems first' : undefined}
    >
      <div className="review">
        <section className="review-card erase" aria-labelledby="erase-title">
          <h3 id="erase-title">Will be erased</h3>
          <dl className="facts" aria-label="Will be erased">
            <dt>Device</dt>
            <dd className="mono">{device}</dd>
            <dt>Description</dt>
            <dd>{cleanForDisplay(drive.description)}</dd>
            <dt>Size</dt>
            <dd>
              {formatDriveSize(drive.size)} <span className="muted">({formatBytes(drive.size)})</span>
            </dd>
            <dt>Mounted</dt>
            <dd>
              {drive.mountpoints.length ? (
                <ul className="plain-list">
                  {drive.mountpoints.map((m) => (
                    <li key={m}>{cleanForDisplay(m)}: will be unmounted and erased</li>
                  ))}
                </ul>
              ) : (
                'Nothing mounted'
              )}
            </dd>
          </dl>
        </section>
        {raw ? (
          <section className="review-card create" aria-labelledby="create-title">
            <h3 id="create-title">Will be written as is</h3>
            <dl className="facts" aria-label="Will be written as is">
              <dt>Image</dt>
              <dd className="mono">{cleanForDisplay(name ?? '')}</dd>
              <dt>Size</dt>
              <dd>{report ? formatBytes(report.fileSize) : 'Known once it is decompressed'}</dd>
              <dt>How</dt>
              <dd>Copied byte for byte onto the start of {device}, then every byte read back from the stick and compared.</dd>
              <dt>Persistence</dt>
              <dd>None: the stick starts the same way every time, like the image itself.</dd>
            </dl>
          </section>
        ) : (
          result && (
            <section className="review-card create" aria-labelledby="create-title">
              <h3 id="create-title">Will be created</h3>
              {result.ok ? <PlanSummary plan={result.plan} label="Will be created" image={name} /> : <PlanProblems problems={result.problems} />}
            </section>
          )
        )}
      </div>
      <label className="check confirm">
        <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
        <span>I understand everything on {device} will be erased</span>
      </label>
      {mounted.length > 0 && (
        <label className="check confirm">
          <input type="checkbox" checked={unmountAgreed} onChange={(e) => setUnmountAgreed(e.target.checked)} />
          <span>Unmount {mounted.join(', ')} first (close any files open there; if it cannot be unmounted, nothing is written)</span>
        </label>
      )}
    </StepFrame>
  );
}

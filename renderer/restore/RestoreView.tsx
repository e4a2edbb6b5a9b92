import { useState } from 'react';
import type { PhaseName } from '../../shared/contract/events';
import { useAppStore } from '../store';
import { restoreLabelProblem } from '../store/restoreSlice';
import { cleanForDisplay } from '../lib/planning';
import { formatBytes, formatDriveSize } from '../lib/format';
import { PHASE_WORDS, stickState } from '../lib/phases';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorNotice } from '../components/ErrorNotice';
import { PhaseList } from '../components/PhaseList';
import { StepFrame } from '../components/StepFrame';
import './restore.css';

/** The restore's phases (engine/restore/restoreStick.ts), in order, and their words. */
const RESTORE_PHASES: readonly PhaseName[] = ['preflight', 'partition', 'format', 'verify', 'flush'];
const RESTORE_WORDS: Readonly<Record<PhaseName, string>> = {
  ...PHASE_WORDS,
  preflight: 'Checking the stick',
  partition: 'Wiping old partition tables and signatures',
  format: 'Making the filesystem',
  verify: 'Checking it (fsck, read-only)',
  flush: 'Writing the partition table',
};
const FS_NAME = { fat32: 'FAT32', exfat: 'exFAT' } as const;

/** "Restore a stick": any stick (a live stick, a raw-written image, anything) back to one plain
 *  FAT32 or exFAT partition for files, after a question naming the device. */
export function RestoreView() {
  const s = useAppStore();
  const [confirming, setConfirming] = useState(false);
  const { restoreDrives: drives, restoreDrivesLoaded: loaded, restoreDrivesError: drivesError, restoreDevice: device, restoreFs: fs, restoreLabel: label, restoreStatus: status } = s;
  const chosen = drives.find((d) => d.device === device) ?? null;
  const unavailable = s.appInfo !== null && !s.appInfo.capabilities.restore;
  const labelProblem = restoreLabelProblem(label, fs);
  const drive = s.restoreDrive;
  const shown = drive ? cleanForDisplay(drive.device) : '';

  if (status === 'done' && drive) {
    const result = s.restoreResult;
    return (
      <StepFrame
        id="restore-done"
        title="The stick is a plain drive again"
        lead={`${shown} has one ${FS_NAME[result?.fs ?? fs]} partition “${cleanForDisplay(result?.label ?? label)}”${result ? ` of ${formatBytes(result.partition.size)}` : ''}. It works on Windows, macOS and Linux.`}
        back={{ label: 'Restore another', onClick: s.clearRestore }}
        next={{ label: 'Write a stick', onClick: s.closeRestore }}
      >
        <div className="done-badge" aria-hidden="true">
          <svg viewBox="0 0 24 24">
            <path d="M5 12.5l4.5 4.5L19 7.5" />
          </svg>
        </div>
        <p className="ok-text" aria-label="Filesystem check">
          Checked: fsck read the new filesystem and found {result?.fsck ? `“${cleanForDisplay(result.fsck)}”` : 'no errors'}.
        </p>
      </StepFrame>
    );
  }

  if (status === 'failed' && s.restoreError) {
    const { state, cause } = stickState(s.restoreError.detail, s.restoreError.data);
    return (
      <StepFrame id="restore-failed" title={s.restoreError.code === 'CANCELLED' ? 'Restore cancelled' : 'The restore failed'} lead={`Restoring ${shown} did not finish.`} back={{ label: 'Back', onClick: s.clearRestore }}>
        <div className="notice state-notice" role="status" aria-label="State of the stick">
          <p className="state-title">State of the stick</p>
          <p>{state}</p>
        </div>
        <ErrorNotice error={{ ...s.restoreError, detail: cause }} />
      </StepFrame>
    );
  }

  if (status === 'starting' || status === 'running') {
    const words = s.restorePhase ? RESTORE_WORDS[s.restorePhase] : 'Starting…';
    return (
      <StepFrame id="restore-run" title={`Restoring ${shown}`} lead={`Making one ${FS_NAME[fs]} partition “${cleanForDisplay(label)}”. Keep the stick plugged in.`}>
        <div className="write-panel">
          <div className="write-main">
            <p className="phase inspecting" aria-live="polite">
              <span className="spinner" aria-hidden="true" /> {words}
            </p>
          </div>
          <PhaseList fs="vfat" seen={s.restorePhasesSeen} current={s.restorePhase} stopped={false} expected={RESTORE_PHASES} words={RESTORE_WORDS} label="Phases of the restore" />
        </div>
      </StepFrame>
    );
  }

  return (
    <StepFrame
      id="restore-step"
      title="Restore a stick"
      lead="Turn a stick back into a plain drive for files: one FAT32 or exFAT partition over the whole stick. Everything on it is erased."
      next={{ label: 'Restore…', tone: 'danger', onClick: () => setConfirming(true), disabled: !chosen || labelProblem !== null || unavailable }}
      status={!chosen ? 'Choose a stick to continue' : (labelProblem ?? undefined)}
    >
      {unavailable && (
        <p className="notice warning-notice" role="note">
          Restoring sticks is not available on {s.appInfo?.platform} yet; on the command line, <code>stickwright restore</code> works on Linux.
        </p>
      )}
      <div className="restore-form">
        <div className="health-picker">
          <label className="health-picker-label" htmlFor="restore-drive">
            Stick
          </label>
          <select id="restore-drive" className="health-select" value={device ?? ''} onChange={(e) => s.chooseRestoreDrive(e.target.value || null)} disabled={drives.length === 0}>
            {(device === null || !chosen) && <option value="">{drives.length === 0 ? (loaded ? 'No sticks found' : 'Looking for sticks…') : 'Choose a stick…'}</option>}
            {drives.map((d) => (
              <option key={d.device} value={d.device}>
                {cleanForDisplay(d.device)} — {formatDriveSize(d.size)}, {cleanForDisplay(d.description)}
              </option>
            ))}
          </select>
          <button type="button" className="button secondary" onClick={() => void s.refreshRestoreDrives()}>
            Refresh
          </button>
        </div>
        {loaded && drives.length === 0 && !drivesError && <p className="muted">Plug in a stick, then press Refresh. System disks are never listed.</p>}
        {drivesError && <ErrorNotice error={drivesError} title="The drives could not be listed" />}
        <fieldset className="restore-fs">
          <legend>Filesystem</legend>
          <label className="radio-option">
            <input type="radio" name="restore-fs" checked={fs === 'fat32'} onChange={() => s.setRestoreFs('fat32')} />
            <span>
              <strong>FAT32</strong>
              <span className="option-hint">Works everywhere, also in cars, TVs and cameras; files up to 4 GiB each.</span>
            </span>
          </label>
          <label className="radio-option">
            <input type="radio" name="restore-fs" checked={fs === 'exfat'} onChange={() => s.setRestoreFs('exfat')} />
            <span>
              <strong>exFAT</strong>
              <span className="option-hint">For big files and big sticks; Windows, macOS and current Linux read it.</span>
            </span>
          </label>
        </fieldset>
        <label className="restore-label">
          <span>Name</span>
          <input value={label} maxLength={15} onChange={(e) => s.setRestoreLabel(e.target.value)} aria-invalid={labelProblem !== null} spellCheck={false} />
          {labelProblem && <span className="warn-text">{labelProblem}</span>}
        </label>
      </div>
      {confirming && chosen && (
        <ConfirmDialog
          id="restore-confirm"
          title={`Erase ${cleanForDisplay(chosen.device)}?`}
          confirmLabel="Erase and restore"
          cancelLabel="Cancel"
          tone="danger"
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void s.startRestore();
          }}
        >
          <p>
            Everything on {cleanForDisplay(chosen.device)} ({cleanForDisplay(chosen.description)}, {formatDriveSize(chosen.size)}) will be erased. It becomes one {FS_NAME[fs]} partition named “
            {fs === 'fat32' ? label.toUpperCase() : label}”.
          </p>
          {chosen.mountpoints.length > 0 && <p className="warn-text">It is mounted at {chosen.mountpoints.map(cleanForDisplay).join(', ')}: unmount it first, or the restore is refused.</p>}
        </ConfirmDialog>
      )}
    </StepFrame>
  );
}

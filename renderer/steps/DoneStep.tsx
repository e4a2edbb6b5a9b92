import { useAppStore } from '../store';
import { cleanForDisplay } from '../lib/planning';
import { formatDuration, imageName } from '../lib/format';
import { PlanSummary } from '../components/PlanSummary';
import { StepFrame } from '../components/StepFrame';
import { ErrorNotice } from '../components/ErrorNotice';
import { CheckHealthButton } from '../health/HealthNav';
import { AddToStickButton } from '../multi/MultiNav';
import { formatBytes } from '../../shared/units';
import { RestoreStickButton } from '../restore/RestoreNav';

/** Step 6: what was made, how long it took, how to boot it, and a safe eject. */
export function DoneStep() {
  const { isoPath, report, written, writeResult, rawResult, finishedAt, ejectState, ejectMessage, ejectError, ejectWritten, clearWrite, selectDrive, goTo } = useAppStore();
  if (!written) return null;
  const device = cleanForDisplay(written.drive.device);
  // Measured here, from the click on Write to the worker's result: what the person waited.
  const seconds = ((finishedAt ?? written.startedAt) - written.startedAt) / 1000;
  const raw = written.mode === 'raw';
  const verified = raw ? rawResult?.verified : writeResult?.verified;
  return (
    <StepFrame
      id="done-step"
      title="Your stick is ready"
      lead={`${device} was written${raw ? ' byte for byte' : ''} and flushed${verified ? ' and verified' : ''} in ${formatDuration(seconds)}.`}
      back={{
        label: 'Write another',
        onClick: () => {
          clearWrite();
          selectDrive(null);
          goTo('image');
        },
      }}
      next={{
        label: ejectState === 'ejecting' ? 'Ejecting…' : ejectState === 'ejected' ? 'Ejected' : 'Safely eject',
        onClick: () => void ejectWritten(),
        disabled: ejectState === 'ejecting' || ejectState === 'ejected',
      }}
      status={ejectMessage ? <span className={ejectState === 'failed' ? 'warn-text' : 'ok-text'}>{ejectMessage}</span> : undefined}
    >
      <div className="done-badge" aria-hidden="true">
        <svg viewBox="0 0 24 24">
          <path d="M5 12.5l4.5 4.5L19 7.5" />
        </svg>
      </div>
      {ejectError && <ErrorNotice error={ejectError} title="The stick could not be ejected" />}
      {/* Only what the worker reports as checked is called checked (style-security B.4 (f)). */}
      {raw ? (
        rawResult?.verified ? (
          <p className="ok-text" aria-label="Verification">
            Verified: all {formatBytes(rawResult.verified.bytes)} of the image were read back from the stick and match it byte for byte.
          </p>
        ) : (
          <p className="warn-text" aria-label="Verification">
            Not verified: the stick was not read back.
          </p>
        )
      ) : writeResult?.verified ? (
        <p className="ok-text" aria-label="Verification">
          Verified: {formatBytes(writeResult.verified.bytes)} read back from the stick match what was written, and its filesystems check clean.
          {writeResult.sourceChecksum && ` The image matched its published ${writeResult.sourceChecksum.algorithm.toUpperCase()} checksum before anything was written.`}
        </p>
      ) : (
        <p className="warn-text" aria-label="Verification">
          Not verified: the stick was not read back.
        </p>
      )}
      <div className="done-grid">
        {written.plan && <PlanSummary plan={written.plan} label="What was made" image={imageName(isoPath, report?.volume.label)} />}
        {raw && (
          <dl className="facts" aria-label="What was written">
            <dt>Image</dt>
            <dd className="mono">{cleanForDisplay(imageName(isoPath, report?.volume.label) ?? '')}</dd>
            <dt>Written</dt>
            <dd>{rawResult ? `${formatBytes(rawResult.bytesWritten)}, byte for byte${rawResult.image.compression !== 'none' ? ` (decompressed from ${rawResult.image.compression})` : ''}` : 'Byte for byte'}</dd>
          </dl>
        )}
        <aside className="next-steps" aria-label="How to use it">
          <h3>Boot from it</h3>
          <p>Plug it in, start the computer and pick the USB stick in its boot menu (often F12, F9, F8 or Esc).{raw ? ' It starts the way the image itself does.' : ' BIOS and UEFI both work.'}</p>
          {!raw && <p>Changes to the system and files in your home folder stay on the stick from one boot to the next.</p>}
          <div className="done-actions">
            {!raw && <CheckHealthButton device={written.drive.device} />}
            {/* An F2FS stick cannot take another image offline (engine/multi/addImage.ts). */}
            {!raw && written.plan?.partitions[0].fs !== 'f2fs' && <AddToStickButton device={written.drive.device} />}
            <RestoreStickButton device={written.drive.device} />
          </div>
        </aside>
      </div>
    </StepFrame>
  );
}

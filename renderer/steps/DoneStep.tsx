import { useAppStore } from '../store';
import { cleanForDisplay } from '../lib/planning';
import { formatDuration } from '../lib/format';
import { PlanSummary } from '../components/PlanSummary';
import { StepFrame } from '../components/StepFrame';

/** Step 6: what was made, how long it took, and a safe eject. */
export function DoneStep() {
  const { written, writeResult, finishedAt, ejectState, ejectMessage, ejectWritten, clearWrite, selectDrive, goTo } = useAppStore();
  if (!written) return null;
  const device = cleanForDisplay(written.drive.device);
  const seconds = writeResult ? writeResult.elapsedMs / 1000 : ((finishedAt ?? written.startedAt) - written.startedAt) / 1000;
  return (
    <StepFrame
      id="done-step"
      title="Your stick is ready"
      lead={`${device} was written, flushed and checked in ${formatDuration(seconds)}. It boots with BIOS and UEFI and keeps your changes.`}
      back={{
        label: 'Write another',
        onClick: () => {
          clearWrite();
          selectDrive(null);
          goTo('image');
        },
      }}
      next={{ label: ejectState === 'ejecting' ? 'Ejecting…' : 'Safely eject', onClick: () => void ejectWritten(), disabled: ejectState === 'ejecting' || ejectState === 'ejected' }}
      status={ejectMessage ? <span className={ejectState === 'failed' ? 'warn-text' : 'ok-text'}>{ejectMessage}</span> : undefined}
    >
      <div className="done-badge" aria-hidden="true">
        <svg viewBox="0 0 24 24">
          <path d="M5 12.5l4.5 4.5L19 7.5" />
        </svg>
      </div>
      {written.plan && <PlanSummary plan={written.plan} label="What was made" />}
    </StepFrame>
  );
}

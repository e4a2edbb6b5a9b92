import { ErrorNotice } from '../components/ErrorNotice';
import { PhaseList } from '../components/PhaseList';
import { ProgressBar } from '../components/ProgressBar';
import { ProgressFigures } from '../components/ProgressFigures';
import { StepFrame } from '../components/StepFrame';
import { cleanForDisplay } from '../lib/planning';
import { useAppStore } from '../store';
import { ADD_PHASES, ADD_PHASE_WORDS, addFailureState } from './imageWords';

/** Adding, step 4: the worker's add as it reports it (the write's event channel); Cancel stops at
 *  the next step and the add removes what it made. */
export function AddRunStep() {
  const target = useAppStore((s) => s.addTarget);
  const isoPath = useAppStore((s) => s.addIsoPath);
  const status = useAppStore((s) => s.addStatus);
  const phase = useAppStore((s) => s.addPhase);
  const seen = useAppStore((s) => s.addPhasesSeen);
  const progress = useAppStore((s) => s.addProgress);
  const cancelRequested = useAppStore((s) => s.addCancelRequested);
  const error = useAppStore((s) => s.addError);
  const errorPhase = useAppStore((s) => s.addErrorPhase);
  const cancel = useAppStore((s) => s.cancelAdd);
  const goStep = useAppStore((s) => s.goAddStep);
  const leave = useAppStore((s) => s.leaveAdd);
  if (!target) return null;
  const device = cleanForDisplay(target.drive.device);

  if (status === 'failed' && error) {
    const cancelled = error.code === 'CANCELLED';
    return (
      <StepFrame
        id="add-run-step"
        title={cancelled ? 'Adding cancelled' : 'The image was not added'}
        lead={cancelled ? `Stickwright stopped adding to ${device}.` : `Adding to ${device} did not finish.`}
        back={{ label: 'Back to review', onClick: () => goStep('review') }}
        next={{ label: 'Back to the stick', tone: 'secondary', onClick: leave }}
      >
        <div className="notice state-notice" role="status" aria-label="State of the stick">
          <p className="state-title">State of the stick</p>
          <p>{addFailureState(error.code, errorPhase)}</p>
        </div>
        <ErrorNotice error={error} />
      </StepFrame>
    );
  }

  const words = cancelRequested ? 'Stopping…' : phase ? ADD_PHASE_WORDS[phase] : 'Starting…';
  const percent = progress && progress.bytesTotal > 0 ? Math.min(100, Math.floor((progress.bytesDone / progress.bytesTotal) * 100)) : null;
  return (
    <StepFrame
      id="add-run-step"
      title={`Adding to ${device}`}
      lead={`${isoPath?.split('/').pop() ?? 'The image'} onto ${device}, beside the images already there. Keep the stick plugged in; if you cancel, what was added so far is removed again.`}
      next={{ label: cancelRequested ? 'Stopping…' : 'Cancel', tone: 'secondary', onClick: () => void cancel(), disabled: cancelRequested || status !== 'running' }}
    >
      <div className="write-panel">
        <div className="write-main">
          <p className="phase" aria-live="polite">
            {words}
          </p>
          <ProgressBar label="Add progress" done={progress?.bytesDone ?? 0} total={progress?.bytesTotal ?? 0} valueText={percent === null ? words : `${percent}%, ${words}`} />
          <ProgressFigures progress={progress} doneLabel="Placed" />
        </div>
        <PhaseList fs={target.list.report.live.fs} seen={seen} current={phase} stopped={cancelRequested} expected={ADD_PHASES} words={ADD_PHASE_WORDS} label="Phases of the add" />
      </div>
    </StepFrame>
  );
}

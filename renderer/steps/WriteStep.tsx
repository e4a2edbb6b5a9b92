import { useAppStore } from '../store';
import { PHASE_WORDS, RAW_PHASES, RAW_PHASE_WORDS, stickState } from '../lib/phases';
import { cleanForDisplay } from '../lib/planning';
import { ProgressBar } from '../components/ProgressBar';
import { ProgressFigures } from '../components/ProgressFigures';
import { PhaseList } from '../components/PhaseList';
import { ErrorNotice } from '../components/ErrorNotice';
import { StepFrame } from '../components/StepFrame';

/** Step 5: the write as the worker reports it; Cancel stops at the next safe point. */
export function WriteStep() {
  const { writeStatus, phase, phasesSeen, progress, cancelRequested, writeError, written, choices, isoPath, cancelWrite, clearWrite, goTo } = useAppStore();
  const device = written ? cleanForDisplay(written.drive.device) : '';

  if (writeStatus === 'failed' && writeError) {
    const cancelled = writeError.code === 'CANCELLED';
    const { state, cause } = stickState(writeError.detail, writeError.data);
    const touched = writeError.data.targetTouched === true;
    return (
      <StepFrame
        id="write-step"
        title={cancelled ? 'Write cancelled' : 'The write failed'}
        lead={cancelled ? `Stickwright stopped writing ${device} at a safe point.` : `Writing ${device} did not finish.`}
        back={{
          label: 'Back to review',
          onClick: () => {
            clearWrite();
            goTo('review');
          },
        }}
      >
        <div className={`notice state-notice${touched ? ' touched' : ''}`} role="status" aria-label="State of the stick">
          <p className="state-title">State of the stick</p>
          <p>{state}</p>
        </div>
        <ErrorNotice error={{ ...writeError, detail: cause }} />
      </StepFrame>
    );
  }

  const flushing = phase === 'flush';
  const raw = written?.mode === 'raw';
  const phaseWords = raw ? RAW_PHASE_WORDS : PHASE_WORDS;
  const words = cancelRequested ? 'Stopping at a safe point…' : phase ? phaseWords[phase] : 'Starting the writer…';
  const percent = progress && progress.bytesTotal > 0 ? Math.min(100, Math.floor((progress.bytesDone / progress.bytesTotal) * 100)) : null;
  const fs = written?.plan?.partitions[0].fs ?? choices.fs;

  return (
    <StepFrame
      id="write-step"
      title={`Writing ${device}`}
      lead={`${isoPath?.split('/').pop() ?? 'The image'} onto ${device}. Keep the stick plugged in; if you cancel, Stickwright stops at the next safe point and says what state the stick is in.`}
      next={{ label: cancelRequested ? 'Stopping…' : 'Cancel', tone: 'secondary', onClick: () => void cancelWrite(), disabled: cancelRequested || writeStatus !== 'running' }}
    >
      <div className="write-panel">
        <div className="write-main">
          <p className="phase" aria-live="polite">
            {words}
          </p>
          <ProgressBar
            label="Write progress"
            done={progress?.bytesDone ?? 0}
            total={progress?.bytesTotal ?? 0}
            valueText={percent === null ? words : `${percent}%, ${words}`}
          />
          <ProgressFigures progress={progress} doneLabel="Written" />
          {flushing && !cancelRequested && (
            <p className="muted">The stick is saving what it has been sent. Slow sticks can take minutes here, with the figures standing still.</p>
          )}
        </div>
        {raw ? (
          <PhaseList fs={fs} seen={phasesSeen} current={phase} stopped={cancelRequested} expected={RAW_PHASES} words={RAW_PHASE_WORDS} />
        ) : (
          <PhaseList fs={fs} seen={phasesSeen} current={phase} stopped={cancelRequested} />
        )}
      </div>
    </StepFrame>
  );
}

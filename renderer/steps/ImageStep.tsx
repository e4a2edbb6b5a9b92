import { useAppStore } from '../store';
import { useImageProblems, useWriteMode } from '../store/selectors';
import { IsoPicker } from '../components/IsoPicker';
import { PlanProblems } from '../components/PlanProblems';
import { PlatformNotice } from '../components/PlatformNotice';
import { StepFrame } from '../components/StepFrame';
import { ModeChoiceCard } from '../components/ModeChoiceCard';

/** Step 1: choose an ISO or disk image (picker or drop), show what inspect found and the mode picked from it. */
export function ImageStep() {
  const { isoPath, report, inspecting, imageError, chooseImage, goTo, rawChosen, setRawChosen, appInfo } = useAppStore();
  const imageProblems = useImageProblems();
  const { choice, mode } = useWriteMode();
  const rawPossible = appInfo?.capabilities.rawWrite !== false;
  // A disk image is no ISO: inspect's "not an ISO" is then no error for the person.
  const shownError = choice && !report ? null : imageError;
  const ready = !inspecting && mode !== null && (mode === 'persistent' || rawPossible);

  return (
    <StepFrame
      id="image-step"
      title="Choose a live image"
      lead="Stickwright reads the image first and tells you what it is and how it will be written. Nothing is written yet."
      next={{ label: 'Next', onClick: () => goTo('drive'), disabled: !ready }}
      status={!isoPath && !inspecting ? 'Choose an ISO to continue' : undefined}
    >
      <IsoPicker isoPath={isoPath} report={report} inspecting={inspecting} error={shownError} onChoose={chooseImage} />
      {choice && <ModeChoiceCard choice={choice} rawChosen={rawChosen} onChange={setRawChosen} />}
      {!choice && imageProblems.length > 0 && <PlanProblems problems={imageProblems} label="Why this image cannot be used" />}
      {!report && !choice && <PlatformNotice />}
    </StepFrame>
  );
}

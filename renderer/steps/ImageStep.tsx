import { useMemo } from 'react';
import { useAppStore } from '../store';
import { plan } from '../lib/planning';
import { IsoPicker } from '../components/IsoPicker';
import { PlanProblems } from '../components/PlanProblems';
import { PlatformNotice } from '../components/PlatformNotice';
import { StepFrame } from '../components/StepFrame';

/** A target large enough that only the image itself can be the problem. */
const ANY_SIZE = 2 ** 40;

/** Step 1: choose an ISO (picker or drop) and show what inspect found. */
export function ImageStep() {
  const { isoPath, report, inspecting, imageError, chooseImage, choices, goTo } = useAppStore();

  // What the planner says about the image alone (family, boot loaders), whatever the stick.
  const imageProblems = useMemo(() => {
    if (!report) return [];
    const result = plan(report, ANY_SIZE, { ...choices, overlaySize: 0, homeSize: 0, encryptHome: false, overlayFs: false });
    return result.ok ? [] : result.problems.filter((p) => p.code === 'NO_LIVE_LAYOUT' || p.code === 'FAMILY_NOT_SUPPORTED');
  }, [report, choices]);

  const ready = report !== null && !inspecting && imageProblems.length === 0;

  return (
    <StepFrame
      id="image-step"
      title="Choose a live image"
      lead="Stickwright reads the ISO first and tells you what it is and what persistence it supports. Nothing is written yet."
      next={{ label: 'Next', onClick: () => goTo('drive'), disabled: !ready }}
      status={!report && !inspecting ? 'Choose an ISO to continue' : undefined}
    >
      <IsoPicker isoPath={isoPath} report={report} inspecting={inspecting} error={imageError} onChoose={chooseImage} />
      {imageProblems.length > 0 && <PlanProblems problems={imageProblems} label="Why this image cannot be used" />}
      {!report && <PlatformNotice />}
    </StepFrame>
  );
}

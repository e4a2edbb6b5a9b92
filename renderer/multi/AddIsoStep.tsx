import { useMemo } from 'react';
import { IsoPicker } from '../components/IsoPicker';
import { PlanProblems } from '../components/PlanProblems';
import { StepFrame } from '../components/StepFrame';
import { useAppStore } from '../store';
import { defaultAddSizes, estimateAdd, stickRoom } from './addPlanning';

/** Adding, step 1: the ISO to add, chosen and inspected as in the wizard. */
export function AddIsoStep() {
  const target = useAppStore((s) => s.addTarget);
  const isoPath = useAppStore((s) => s.addIsoPath);
  const report = useAppStore((s) => s.addIsoReport);
  const inspecting = useAppStore((s) => s.addInspecting);
  const error = useAppStore((s) => s.addIsoError);
  const sizedFor = useAppStore((s) => s.addSizedFor);
  const chooseIso = useAppStore((s) => s.chooseAddIso);
  const setSizes = useAppStore((s) => s.setAddSizes);
  const goStep = useAppStore((s) => s.goAddStep);
  const leave = useAppStore((s) => s.leaveAdd);

  // What stands against the image itself, whatever the sizes (a layout the add cannot use).
  const problems = useMemo(() => {
    if (!report || !target) return [];
    const result = estimateAdd(report, { ...stickRoom(target.list), freeBytes: 2 ** 45 }, { overlaySize: 0, homeSize: 0 });
    return result.ok ? [] : result.problems;
  }, [report, target]);
  if (!target) return null;

  const count = target.list.images.length;
  const ready = report !== null && !inspecting && problems.length === 0;
  const next = () => {
    if (!report) return;
    // A newly chosen ISO gets sizes that fit the stick; coming back keeps what was set.
    const key = `${report.path}:${target.drive.device}:${target.list.report.live.freeBytes}`;
    if (key !== sizedFor) setSizes(defaultAddSizes(report, stickRoom(target.list)), key);
    goStep('sizes');
  };

  return (
    <StepFrame
      id="add-iso-step"
      title="Choose the image to add"
      lead={`It goes onto ${target.drive.device} beside the ${count === 1 ? 'image' : `${count} images`} already there, in a directory of its own. Nothing is changed yet.`}
      back={{ label: 'Back to the stick', onClick: leave }}
      next={{ label: 'Next', onClick: next, disabled: !ready }}
      status={!report && !inspecting ? 'Choose an ISO to continue' : undefined}
    >
      <IsoPicker isoPath={isoPath} report={report} inspecting={inspecting} error={error} onChoose={chooseIso} />
      {problems.length > 0 && <PlanProblems problems={problems} label="Why this image cannot be added" />}
    </StepFrame>
  );
}

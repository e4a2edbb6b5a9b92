import { useMemo } from 'react';
import { PlanProblems } from '../components/PlanProblems';
import { SizeSlider } from '../components/SizeSlider';
import { StepFrame } from '../components/StepFrame';
import { needsOverlayFs } from '../lib/planning';
import { useAppStore } from '../store';
import { addSizeBounds } from './addPlanning';
import { AddSpaceBar } from './AddSpaceBar';
import { useAddEstimate } from './useAddEstimate';

/** Adding, step 2: the new image's own overlay and home (the wizard's sliders, bounded by the
 *  stick's free space), and its name in the boot menu. */
export function AddSizesStep() {
  const report = useAppStore((s) => s.addIsoReport);
  const overlaySize = useAppStore((s) => s.addOverlaySize);
  const homeSize = useAppStore((s) => s.addHomeSize);
  const name = useAppStore((s) => s.addName);
  const setSizes = useAppStore((s) => s.setAddSizes);
  const setName = useAppStore((s) => s.setAddName);
  const goStep = useAppStore((s) => s.goAddStep);
  const { room, result } = useAddEstimate();
  const bounds = useMemo(() => (report && room ? addSizeBounds(report, room, { overlaySize, homeSize }) : { maxOverlay: 0, maxHome: 0 }), [report, room, overlaySize, homeSize]);
  if (!report || !room || !result) return null;

  // The contract's ImageName: one line of at most 200 characters (spaces around it are dropped).
  const trimmed = name.trim();
  const nameProblem = trimmed.length > 200 ? 'At most 200 characters.' : /[\u0000-\u001f\u007f]/.test(trimmed) ? 'One line, without tabs or control characters.' : null;
  const ok = result.ok && nameProblem === null;
  const flat = needsOverlayFs(report);

  return (
    <StepFrame
      id="add-sizes-step"
      title="Persistence for the new image"
      lead="What the new image keeps from one boot to the next. It gets an overlay and a home of its own; the other images keep theirs."
      back={{ label: 'Back', onClick: () => goStep('iso') }}
      next={{ label: 'Next', onClick: () => goStep('review'), disabled: !ok }}
      status={!result.ok ? 'Fix the problems above to continue' : nameProblem ? 'Fix the name to continue' : undefined}
    >
      <div className="sizes">
        <SizeSlider
          id="add-overlay"
          label="System changes (overlay)"
          description={flat ? 'Installed programs and settings, kept with OverlayFS (this image holds its root filesystem directly).' : 'Installed programs and settings. When full, changes stop being saved.'}
          value={overlaySize}
          max={bounds.maxOverlay}
          offText="Off: changes are lost at power-off"
          onChange={(bytes) => setSizes({ overlaySize: bytes })}
        />
        <SizeSlider
          id="add-home"
          label="Home folder"
          description="Your files in /home, kept apart from the system (home.img in the image's directory)."
          value={homeSize}
          max={bounds.maxHome}
          offText="Off: no separate home"
          onChange={(bytes) => setSizes({ homeSize: bytes })}
        />
      </div>
      {result.ok && <AddSpaceBar estimate={result.estimate} />}
      {!result.ok && <PlanProblems problems={result.problems} />}
      <label className="add-name">
        <span className="add-name-label">Name in the boot menu</span>
        <input type="text" value={name} maxLength={220} placeholder={result.ok ? result.estimate.defaultName : ''} onChange={(e) => setName(e.target.value)} aria-describedby="add-name-help" />
        <span id="add-name-help" className="muted small">
          {nameProblem ?? 'Leave it empty for the name the image gives itself (shown in the field).'}
        </span>
      </label>
    </StepFrame>
  );
}

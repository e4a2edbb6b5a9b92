import { useMemo, useState, type DragEvent } from 'react';
import { useAppStore } from '../store';
import { bridge } from '../lib/api';
import { plan } from '../lib/planning';
import { ImageSummary } from '../components/ImageSummary';
import { ErrorNotice } from '../components/ErrorNotice';
import { PlanProblems } from '../components/PlanProblems';
import { PlatformNotice } from '../components/PlatformNotice';
import { StepFrame } from '../components/StepFrame';

/** A target large enough that only the image itself can be the problem. */
const ANY_SIZE = 2 ** 40;

/** Step 1: choose an ISO (picker or drop) and show what inspect found. */
export function ImageStep() {
  const { isoPath, report, inspecting, imageError, chooseImage, choices, goTo } = useAppStore();
  const [dragging, setDragging] = useState(false);

  // What the planner says about the image alone (family, boot loaders), whatever the stick.
  const imageProblems = useMemo(() => {
    if (!report) return [];
    const result = plan(report, ANY_SIZE, { ...choices, overlaySize: 0, homeSize: 0, encryptHome: false, overlayFs: false });
    return result.ok ? [] : result.problems.filter((p) => p.code === 'NO_LIVE_LAYOUT' || p.code === 'FAMILY_NOT_SUPPORTED');
  }, [report, choices]);

  const pick = async () => {
    const result = await bridge().chooseIso();
    if (result.ok && result.value) await chooseImage(result.value);
  };
  const drop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void chooseImage(bridge().pathForFile(file));
  };
  const ready = report !== null && !inspecting && imageProblems.length === 0;
  const name = isoPath?.split('/').pop();
  const folder = isoPath && name ? isoPath.slice(0, isoPath.length - name.length - 1) || '/' : null;

  return (
    <StepFrame
      id="image-step"
      title="Choose a live image"
      lead="Stickwright reads the ISO first and tells you what it is and what persistence it supports. Nothing is written yet."
      next={{ label: 'Next', onClick: () => goTo('drive'), disabled: !ready }}
      status={!report && !inspecting ? 'Choose an ISO to continue' : undefined}
    >
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}${report || imageError ? ' compact' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <svg className="drop-icon" viewBox="0 0 24 24" aria-hidden="true">
          <circle cx="12" cy="12" r="9" />
          <circle cx="12" cy="12" r="2.5" />
        </svg>
        <div className="drop-text">
          {name ? (
            <>
              <p className="drop-title">{name}</p>
              <p className="chosen-path" title={isoPath ?? undefined}>
                in {folder}
              </p>
            </>
          ) : (
            <>
              <p className="drop-title">Drop a live ISO here</p>
              <p className="muted">Fedora-style live images get persistence: your changes and files survive a reboot.</p>
            </>
          )}
        </div>
        <button type="button" className={`button ${report || imageError ? 'secondary' : 'primary'}`} onClick={() => void pick()}>
          {report || imageError ? 'Choose another ISO…' : 'Choose ISO…'}
        </button>
      </div>
      {inspecting && (
        <p className="inspecting" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> Reading the image…
        </p>
      )}
      {imageError && <ErrorNotice error={imageError} title="This file cannot be used" />}
      {report && <ImageSummary report={report} />}
      {imageProblems.length > 0 && <PlanProblems problems={imageProblems} label="Why this image cannot be used" />}
      {!report && <PlatformNotice />}
    </StepFrame>
  );
}

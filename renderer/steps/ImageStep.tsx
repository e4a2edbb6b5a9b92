import { useState, type DragEvent } from 'react';
import { useAppStore } from '../store';
import { bridge } from '../lib/api';
import { ImageSummary } from '../components/ImageSummary';
import { ErrorNotice } from '../components/ErrorNotice';

/** Step 1: choose an ISO (picker or drop) and show what inspect found. */
export function ImageStep() {
  const { isoPath, report, inspecting, imageError, chooseImage } = useAppStore();
  const [dragging, setDragging] = useState(false);

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

  return (
    <section aria-labelledby="image-step-title" className="step">
      <h2 id="image-step-title">1. Image</h2>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}`}
        onDragOver={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
      >
        <p>Drop a live ISO here, or</p>
        <button type="button" onClick={() => void pick()}>
          Choose ISO…
        </button>
      </div>
      {isoPath && <p className="chosen-path">{isoPath}</p>}
      {inspecting && <p aria-live="polite">Reading the image…</p>}
      {imageError && <ErrorNotice error={imageError} />}
      {report && <ImageSummary report={report} />}
    </section>
  );
}

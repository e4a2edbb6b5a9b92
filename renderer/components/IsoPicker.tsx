import { useState, type DragEvent } from 'react';
import type { IsoReport } from '../../shared/contract/isoReport';
import type { ErrorPayload } from '../../shared/errors';
import { bridge } from '../lib/api';
import { ErrorNotice } from './ErrorNotice';
import { ImageSummary } from './ImageSummary';

/** An ISO chosen with the OS picker or dropped, and what inspect read from it: the wizard's first
 *  step and the image to add to a stick both choose this way. */
export function IsoPicker(props: {
  readonly isoPath: string | null;
  readonly report: IsoReport | null;
  readonly inspecting: boolean;
  readonly error: ErrorPayload | null;
  readonly onChoose: (path: string) => void | Promise<void>;
}) {
  const { isoPath, report, inspecting, error, onChoose } = props;
  const [dragging, setDragging] = useState(false);
  const pick = async () => {
    const result = await bridge().chooseIso();
    if (result.ok && result.value) await onChoose(result.value);
  };
  const drop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file) void onChoose(bridge().pathForFile(file));
  };
  const name = isoPath?.split('/').pop();
  const folder = isoPath && name ? isoPath.slice(0, isoPath.length - name.length - 1) || '/' : null;
  return (
    <>
      <div
        className={`drop-zone${dragging ? ' dragging' : ''}${report || error ? ' compact' : ''}`}
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
              <p className="muted">Fedora-style live images get persistence: your changes and files survive a reboot. Other images (.img, .img.xz, .zip…) are written as is.</p>
            </>
          )}
        </div>
        <button type="button" className={`button ${report || error ? 'secondary' : 'primary'}`} onClick={() => void pick()}>
          {report || error ? 'Choose another ISO…' : 'Choose ISO…'}
        </button>
      </div>
      {inspecting && (
        <p className="inspecting" aria-live="polite">
          <span className="spinner" aria-hidden="true" /> Reading the image…
        </p>
      )}
      {error && <ErrorNotice error={error} title="This file cannot be used" />}
      {report && <ImageSummary report={report} />}
    </>
  );
}

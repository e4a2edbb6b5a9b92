import { useState } from 'react';
import type { StickImageEntry } from '../../shared/contract/multiImage';
import { formatBytes } from '../../shared/units';
import type { ImageUsage } from '../../shared/usage/usageReport';
import { UsageBar } from '../health/UsageBar';
import { homeBar, overlayBar } from '../health/usageWords';
import { homeLine, imageTitle, overlayLine } from './imageWords';
import { RemoveImageDialog } from './RemoveImageDialog';

/** One live image on the stick: its name and directory, its sizes, how full its overlay and home
 *  are (the health view's bars), and Remove — asked first. */
export function ImageCard(props: {
  readonly entry: StickImageEntry;
  readonly usage: ImageUsage | undefined;
  readonly index: number;
  readonly device: string;
  /** A job is changing the stick: no second one. */
  readonly busy: boolean;
  readonly removing: boolean;
  readonly onRemove: (dir: string) => void;
}) {
  const { entry, usage, index, device, busy, removing, onRemove } = props;
  const [confirming, setConfirming] = useState(false);
  const id = `stick-image-${index}`;
  const overlayFigures = usage?.overlay ? overlayBar(usage.overlay) : null;
  const homeFigures = usage?.home ? homeBar(usage.home) : null;
  return (
    <article className="health-card stick-image" aria-labelledby={`${id}-title`}>
      <header className="stick-image-head">
        <div className="stick-image-title">
          <h3 id={`${id}-title`}>{imageTitle(entry)}</h3>
          <p className="mono small muted">/{entry.dir}</p>
        </div>
        {entry.isDefault && <span className="state-badge tone-neutral">Starts by default</span>}
      </header>
      <dl className="facts health-facts">
        <dt>Live system</dt>
        <dd>{usage?.rootImage ? <>{formatBytes(usage.rootImage.bytes)} <span className="mono small muted">{usage.rootImage.path}</span></> : 'No root image found'}</dd>
        <dt>System changes</dt>
        <dd>{overlayLine(usage?.overlay ?? null)}</dd>
        <dt>Home</dt>
        <dd>{homeLine(usage?.home ?? null)}</dd>
      </dl>
      {(overlayFigures || homeFigures) && (
        <div className="stick-image-bars">
          {overlayFigures && <UsageBar id={`${id}-overlay`} label="Overlay used" figures={overlayFigures} kind="overlay" />}
          {homeFigures && <UsageBar id={`${id}-home`} label="Home used" figures={homeFigures} kind="home" />}
        </div>
      )}
      <div className="stick-image-actions">
        {removing && (
          <p className="inspecting" role="status">
            <span className="spinner" aria-hidden="true" /> Removing /{entry.dir}… (do not unplug the stick)
          </p>
        )}
        <button type="button" className="button danger-outline" disabled={busy} onClick={() => setConfirming(true)}>
          Remove…
        </button>
      </div>
      {confirming && (
        <RemoveImageDialog
          id={`${id}-confirm`}
          entry={entry}
          usage={usage}
          device={device}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            onRemove(entry.dir);
          }}
        />
      )}
    </article>
  );
}

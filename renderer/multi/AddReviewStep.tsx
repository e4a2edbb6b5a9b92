import { formatBytes } from '../../shared/units';
import { PlanProblems } from '../components/PlanProblems';
import { StepFrame } from '../components/StepFrame';
import { formatDriveSize, imageName } from '../lib/format';
import { cleanForDisplay } from '../lib/planning';
import { useAppStore } from '../store';
import { persistenceWords } from './imageWords';
import { useAddEstimate } from './useAddEstimate';

/** Adding, step 3: the stick as it is, and exactly what will be added to it. Nothing is erased,
 *  so there is no erase box to tick: the button says what it does. */
export function AddReviewStep() {
  const target = useAppStore((s) => s.addTarget);
  const isoPath = useAppStore((s) => s.addIsoPath);
  const report = useAppStore((s) => s.addIsoReport);
  const name = useAppStore((s) => s.addName);
  const goStep = useAppStore((s) => s.goAddStep);
  const startAdd = useAppStore((s) => s.startAdd);
  const { result } = useAddEstimate();
  if (!target || !report || !result) return null;
  const { drive, list } = target;
  const device = cleanForDisplay(drive.device);

  return (
    <StepFrame
      id="add-review-step"
      title="Review"
      lead="Check what will be added. The images already on the stick, their overlays and their homes are not touched."
      back={{ label: 'Back', onClick: () => goStep('sizes') }}
      next={{ label: 'Add image', onClick: () => void startAdd(), disabled: !result.ok }}
    >
      <div className="review">
        <section className="review-card" aria-labelledby="add-stick-title">
          <h3 id="add-stick-title">The stick</h3>
          <dl className="facts" aria-label="The stick">
            <dt>Device</dt>
            <dd className="mono">{device}</dd>
            <dt>Description</dt>
            <dd>{cleanForDisplay(drive.description)}</dd>
            <dt>Size</dt>
            <dd>{formatDriveSize(drive.size)}</dd>
            <dt>Images now</dt>
            <dd>
              <ul className="plain-list">
                {list.images.map((i) => (
                  <li key={i.dir}>
                    {i.name ?? `/${i.dir}`} <span className="mono small muted">/{i.dir}</span>
                  </li>
                ))}
              </ul>
            </dd>
            <dt>Free now</dt>
            <dd>{formatBytes(list.report.live.freeBytes)}</dd>
          </dl>
        </section>
        <section className="review-card create" aria-labelledby="add-create-title">
          <h3 id="add-create-title">Will be added</h3>
          {result.ok ? (
            <dl className="facts" aria-label="Will be added">
              <dt>Live image</dt>
              <dd>{imageName(isoPath, report.volume.label)}</dd>
              <dt>Menu entry</dt>
              <dd>“{name.trim() || result.estimate.defaultName}”, after the others</dd>
              <dt>Directory</dt>
              <dd>A new one of its own (four letters and digits, chosen when it is added)</dd>
              <dt>Live system</dt>
              <dd>{formatBytes(result.estimate.imageBytes)}</dd>
              <dt>Persistence</dt>
              <dd>{persistenceWords(result.estimate.persistence, result.estimate.overlayBytes)}</dd>
              <dt>Home</dt>
              <dd>{result.estimate.homeBytes > 0 ? `${formatBytes(result.estimate.homeBytes)} home.img (ext4)` : 'None: /home lives in the overlay'}</dd>
              <dt>Space</dt>
              <dd>
                Needs {formatBytes(result.estimate.needBytes)} of {formatBytes(result.estimate.freeBytes)} free; about {formatBytes(result.estimate.freeBytes - result.estimate.needBytes)} stays free
              </dd>
            </dl>
          ) : (
            <PlanProblems problems={result.problems} />
          )}
        </section>
      </div>
    </StepFrame>
  );
}

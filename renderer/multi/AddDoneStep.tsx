import { formatBytes } from '../../shared/units';
import { StepFrame } from '../components/StepFrame';
import { cleanForDisplay } from '../lib/planning';
import { useAppStore } from '../store';

/** Adding, step 5: what was added where, and the stick's images now, in menu order. */
export function AddDoneStep() {
  const target = useAppStore((s) => s.addTarget);
  const result = useAppStore((s) => s.addResult);
  const leave = useAppStore((s) => s.leaveAdd);
  const beginAdd = useAppStore((s) => s.beginAdd);
  if (!target || !result) return null;
  const device = cleanForDisplay(target.drive.device);
  return (
    <StepFrame
      id="add-done-step"
      title="The image was added"
      lead={`“${result.name}” is on ${device} in /${result.dir}, with its own overlay and home. The boot menu lists every image.`}
      back={{
        label: 'Add another image',
        onClick: () => {
          leave();
          beginAdd();
        },
      }}
      next={{ label: 'Show the stick’s images', onClick: leave }}
      status={`${formatBytes(result.freeAfter)} free on the stick (was ${formatBytes(result.freeBefore)})`}
    >
      <div className="done-badge" aria-hidden="true">
        <svg viewBox="0 0 24 24">
          <path d="M5 12.5l4.5 4.5L19 7.5" />
        </svg>
      </div>
      <div className="done-grid">
        <section className="next-steps" aria-labelledby="add-menu-title">
          <h3 id="add-menu-title">The boot menu now</h3>
          <ol className="add-menu" aria-label="Images in the boot menu">
            {result.list.images.map((i) => (
              <li key={i.dir} className={i.dir === result.dir ? 'added' : undefined}>
                <span>{i.name ?? `/${i.dir}`}</span> <span className="mono small muted">/{i.dir}</span>
                {i.isDefault && <span className="muted small"> · starts by default</span>}
                {i.dir === result.dir && <span className="muted small"> · new</span>}
              </li>
            ))}
          </ol>
        </section>
        <aside className="next-steps" aria-label="How to start it">
          <h3>Start it</h3>
          <p>Boot from the stick and pick “{result.name}” in its menu. Each image keeps its own changes and files.</p>
          <p>
            To make it start once without the menu: <code>stickwright next-boot {target.drive.device} {result.dir}</code>
          </p>
        </aside>
      </div>
    </StepFrame>
  );
}

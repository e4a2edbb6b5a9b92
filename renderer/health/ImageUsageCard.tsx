import type { ImageUsage, UsageReport, UsageWarning } from '../../shared/usage/usageReport';
import { formatBytes } from '../../shared/units';
import { UsageBar } from './UsageBar';
import { UsageWarningNotice } from './UsageWarningNotice';
import { canResetOffline, growAdvice, homeBar, homeSummary, kernelFigure, overlayBar, overlayKindWords, resetCommand, sectorDetail, stateWords } from './usageWords';

/** One live image on the stick: its overlay (with the kernel's own figure), its home, its warnings
 *  and what can be done about them. */
export function ImageUsageCard({ report, image, index }: { readonly report: UsageReport; readonly image: ImageUsage; readonly index: number }) {
  const id = `image-${index}`;
  const warnings = report.warnings.filter((w: UsageWarning) => w.dir === image.dir && w.subject !== 'live-filesystem');
  return (
    <article className="health-card image-card" aria-labelledby={`${id}-title`}>
      <header className="image-card-head">
        <div className="image-card-title">
          <h3 id={`${id}-title`}>
            <span className="mono">/{image.dir}</span>
          </h3>
          <p className="image-card-label">{image.bootLabel ? `“${image.bootLabel}”` : 'No boot menu entry names this image'}</p>
          {image.bootEntries.length > 1 && (
            <p className="muted small">
              also {image.bootEntries.slice(1).map((title) => `“${title}”`).join(', ')}
            </p>
          )}
        </div>
        {image.rootImage && (
          <p className="image-card-root muted small">
            <span className="mono">{image.rootImage.path}</span> {formatBytes(image.rootImage.bytes)}
          </p>
        )}
      </header>

      {warnings.length > 0 && (
        <div className="health-warnings">
          {warnings.map((warning, i) => (
            <UsageWarningNotice key={i} warning={warning} />
          ))}
        </div>
      )}

      <OverlaySection id={`${id}-overlay`} image={image} />
      <HomeSection id={`${id}-home`} image={image} />

      {image.strayOverlays.length > 0 && (
        <div className="health-section">
          <h4>Other overlay files</h4>
          <p className="muted small">Their names do not match this filesystem’s label and UUID, so the live system ignores them. They take space on the stick.</p>
          <ul className="plain-list mono small">
            {image.strayOverlays.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </div>
      )}

      <ImageActions id={`${id}-actions`} report={report} image={image} />
    </article>
  );
}

function OverlaySection({ id, image }: { readonly id: string; readonly image: ImageUsage }) {
  const overlay = image.overlay;
  if (!overlay) {
    return (
      <section className="health-section" aria-labelledby={`${id}-title`}>
        <h4 id={`${id}-title`}>System changes (overlay)</h4>
        <p>None: changes made on the live system are lost at shutdown.</p>
      </section>
    );
  }
  const state = stateWords(overlay.state);
  const figures = overlayBar(overlay);
  const kernel = kernelFigure(overlay);
  const sectors = sectorDetail(overlay);
  return (
    <section className="health-section" aria-labelledby={`${id}-title`}>
      <div className="health-section-head">
        <h4 id={`${id}-title`}>System changes (overlay)</h4>
        <span className={`state-badge tone-${state.tone}`}>
          <span className="visually-hidden">State: </span>
          {state.label}
        </span>
      </div>
      <dl className="facts health-facts">
        <dt>Kind</dt>
        <dd>
          {overlayKindWords(overlay)}
          {'fileBytes' in overlay && <span className="muted">, {formatBytes(overlay.fileBytes)}</span>}
        </dd>
        <dt>File</dt>
        <dd className="mono small">
          {overlay.path}
          {overlay.kind === 'overlayfs-dir' ? '/' : ''}
        </dd>
        <dt>State</dt>
        <dd>
          <strong>{state.label}</strong>: {state.meaning}
        </dd>
        {kernel && (
          <>
            <dt>Kernel figure</dt>
            <dd>
              <code className="kernel-figure" aria-label={`dmsetup status figure ${kernel}`}>
                {kernel}
              </code>{' '}
              <span className="muted">
                what <code>dmsetup status live-rw</code> will show on the running live system
              </span>
              {sectors && <span className="kernel-detail muted small">{sectors}</span>}
            </dd>
          </>
        )}
      </dl>
      {figures ? (
        <UsageBar id={`${id}-bar`} label="Overlay used" figures={figures} kind="overlay" />
      ) : (
        overlay.kind === 'overlayfs-dir' && <p className="health-note small">Its size is unknown (too many files to count); it grows into the stick’s free space.</p>
      )}
      {overlay.note && <p className="health-note small">{overlay.note}</p>}
    </section>
  );
}

function HomeSection({ id, image }: { readonly id: string; readonly image: ImageUsage }) {
  const home = image.home;
  if (!home) {
    return (
      <section className="health-section" aria-labelledby={`${id}-title`}>
        <h4 id={`${id}-title`}>Home (home.img)</h4>
        <p className="muted">None: /home lives in the overlay with every other change.</p>
      </section>
    );
  }
  const figures = homeBar(home);
  return (
    <section className="health-section" aria-labelledby={`${id}-title`}>
      <div className="health-section-head">
        <h4 id={`${id}-title`}>Home (home.img)</h4>
        {home.encrypted && <span className="state-badge tone-neutral">Encrypted</span>}
      </div>
      <dl className="facts health-facts">
        <dt>Size</dt>
        <dd>{homeSummary(home)}</dd>
        <dt>File</dt>
        <dd className="mono small">{home.path}</dd>
      </dl>
      {figures ? (
        <UsageBar id={`${id}-bar`} label="Home used" figures={figures} kind="home" />
      ) : home.encrypted ? (
        <p className="health-note small">How full it is can be seen only on the live system, once it is unlocked.</p>
      ) : null}
      {home.note && <p className="health-note small">{home.note}</p>}
    </section>
  );
}

/** Reset and grow are not in the app yet: say so, and give the command that does it today. */
function ImageActions({ id, report, image }: { readonly id: string; readonly report: UsageReport; readonly image: ImageUsage }) {
  const overlay = image.overlay;
  if (!overlay) return null;
  const command = resetCommand(report, image.dir);
  const grow = growAdvice(report, image.dir, overlay);
  return (
    <section className="health-section health-actions" aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>Actions</h4>
      <ul className="action-list">
        <li>
          <p className="action-name">
            Reset the overlay <span className="soon-badge">not yet in the app</span>
          </p>
          {canResetOffline(overlay) ? (
            <>
              <p className="muted small">
                {overlay.state === 'fresh' ? 'Nothing to reset yet: it holds no changes. When it does, this' : 'This'} discards every change the live system made (installed software, settings, files outside /home); home.img is kept. Today, on the command line:
              </p>
              <code className="command" aria-label={`Command: ${command}`}>
                {command}
              </code>
            </>
          ) : (
            <p className="muted small">
              This overlay cannot be reset offline. Boot the stick once with <code>rd.live.overlay.reset</code> added to the kernel command line (press e in the boot menu).
            </p>
          )}
        </li>
        <li>
          <p className="action-name">
            Make the overlay bigger <span className="soon-badge">not yet in the app</span>
          </p>
          <p className="muted small">{grow.text}</p>
          {grow.command && (
            <code className="command" aria-label={`Command: ${grow.command}`}>
              {grow.command}
            </code>
          )}
        </li>
      </ul>
    </section>
  );
}

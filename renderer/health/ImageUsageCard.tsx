import type { ImageUsage, UsageReport, UsageWarning } from '../../shared/usage/usageReport';
import { formatBytes } from '../../shared/units';
import { UsageBar } from './UsageBar';
import { UsageWarningNotice } from './UsageWarningNotice';
import { homeBar, homeSummary, kernelFigure, overlayBar, overlayKindWords, sectorDetail, stateWords } from './usageWords';
import { OverlayActions } from './OverlayActions';

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

      <OverlaySection id={`${id}-overlay`} image={image} live={report.source === 'live'} />
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

      <OverlayActions key={`${image.dir}:${image.overlay && 'fileBytes' in image.overlay ? image.overlay.fileBytes : 0}`} id={`${id}-actions`} report={report} image={image} />
    </article>
  );
}

function OverlaySection({ id, image, live }: { readonly id: string; readonly image: ImageUsage; readonly live: boolean }) {
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
                {live ? (
                  <>
                    what <code>dmsetup status live-rw</code> shows now
                  </>
                ) : (
                  <>
                    what <code>dmsetup status live-rw</code> will show on the running live system
                  </>
                )}
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

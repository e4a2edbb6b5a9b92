import { formatBytes } from '../../shared/units';
import type { AddEstimate } from './addPlanning';

/** How the stick's free space would be used by the add: the image, its overlay and home, and what
 *  stays free (the wizard's space bar, for an add). */
export function AddSpaceBar({ estimate }: { readonly estimate: AddEstimate }) {
  const parts = [
    { key: 'system', label: 'Live system', bytes: estimate.imageBytes },
    { key: 'overlay', label: 'System changes', bytes: estimate.overlayBytes },
    { key: 'home', label: 'Home', bytes: estimate.homeBytes },
    { key: 'free', label: 'Left free', bytes: Math.max(0, estimate.freeBytes - estimate.needBytes) },
  ];
  const total = parts.reduce((sum, p) => sum + p.bytes, 0) || 1;
  return (
    <figure className="space" aria-label="How the stick's free space is used">
      <div className="space-bar" aria-hidden="true">
        {parts
          .filter((p) => p.bytes > 0)
          .map((p) => (
            <span key={p.key} className={`space-part ${p.key}`} style={{ flexGrow: p.bytes / total }} />
          ))}
      </div>
      <figcaption className="space-legend">
        {parts.map((p) => (
          <span key={p.key} className="space-item">
            <span className={`swatch ${p.key}`} aria-hidden="true" />
            {p.label} <strong>{formatBytes(p.bytes)}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

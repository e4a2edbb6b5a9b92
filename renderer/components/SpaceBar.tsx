import type { StickPlan } from '../../shared/plan/stickPlan';
import { formatBytes } from '../lib/format';

export interface SpacePart {
  /** Also the CSS class of its bar segment and swatch: system, overlay, home, free. */
  readonly key: 'system' | 'overlay' | 'home' | 'free';
  readonly label: string;
  readonly bytes: number;
}

/** A bar of how space is shared, with its legend (the wizard's plan, an add's estimate). */
export function SpaceFigure({ parts, label }: { readonly parts: readonly SpacePart[]; readonly label: string }) {
  const total = parts.reduce((sum, p) => sum + p.bytes, 0) || 1;
  return (
    <figure className="space" aria-label={label}>
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

/** How the live partition's space is shared: the live system, persistence, boot files, free. */
export function SpaceBar({ plan }: { readonly plan: StickPlan }) {
  const { space } = plan;
  const overlay = plan.persistence.kind === 'none' ? 0 : space.persistence - (plan.home?.size ?? 0);
  const parts: SpacePart[] = [
    { key: 'system', label: 'Live system', bytes: space.liveImage + space.bootFiles },
    { key: 'overlay', label: 'System changes', bytes: Math.max(0, overlay) },
    { key: 'home', label: 'Home', bytes: plan.home?.size ?? 0 },
    { key: 'free', label: 'Free', bytes: Math.max(0, space.free) },
  ];
  return <SpaceFigure parts={parts} label="How the stick's space is used" />;
}

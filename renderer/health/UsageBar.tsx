import type { BarFigures } from './usageWords';

/** How full something is, as a meter: the fill, marks at 80 % and 95 %, and the figures in words.
 *  Screen readers get the label, the percentage and the same sentence (aria-valuetext). */
export function UsageBar({ label, figures, id, kind }: { readonly label: string; readonly figures: BarFigures; readonly id: string; readonly kind: 'overlay' | 'home' | 'stick' }) {
  const percent = Math.min(100, Math.max(0, figures.percent));
  // A store that is used at all shows a sliver, so 0.1 % is not drawn as empty.
  const drawn = figures.used > 0 ? Math.max(percent, 0.8) : 0;
  return (
    <div className={`usage-bar kind-${kind} tone-${figures.tone}`}>
      <div className="usage-bar-head">
        <span className="usage-bar-label" id={`${id}-label`}>
          {label}
        </span>
        <span className="usage-bar-percent" aria-hidden="true">
          {figures.percent}% used
        </span>
      </div>
      <div
        className="usage-bar-track"
        role="meter"
        aria-labelledby={`${id}-label`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={figures.percent}
        aria-valuetext={figures.text}
        aria-describedby={`${id}-text`}
      >
        <span className="usage-bar-fill" style={{ width: `${drawn}%` }} />
        <span className="usage-bar-mark at-80" aria-hidden="true" />
        <span className="usage-bar-mark at-95" aria-hidden="true" />
      </div>
      <p className="usage-bar-text" id={`${id}-text`}>
        {figures.text}
      </p>
    </div>
  );
}

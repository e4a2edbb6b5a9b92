import { MiB } from '../../shared/units';
import { SIZE_STEP } from '../lib/planning';
import { formatBytes } from '../lib/format';

/** A size chosen with a slider (16 MiB steps) or typed in MiB, bounded by what the planner says still fits. */
export function SizeSlider(props: {
  readonly id: string;
  readonly label: string;
  readonly description: string;
  readonly value: number;
  readonly max: number;
  readonly offText: string;
  readonly onChange: (bytes: number) => void;
}) {
  const { id, label, description, value, max, offText, onChange } = props;
  const maxMiB = Math.floor(max / MiB);
  const valueMiB = Math.round(value / MiB);
  const set = (mib: number) => onChange(Math.max(0, Math.round(Number.isFinite(mib) ? mib : 0)) * MiB);
  return (
    <div className="size-slider">
      <div className="size-head">
        <label htmlFor={`${id}-range`} className="size-label">
          {label}
        </label>
        <span className="size-value" aria-hidden="true">
          {value > 0 ? formatBytes(value) : offText}
        </span>
      </div>
      <p className="size-description" id={`${id}-description`}>
        {description}
      </p>
      <div className="size-controls">
        <input
          id={`${id}-range`}
          type="range"
          min={0}
          max={Math.max(maxMiB, 0)}
          step={SIZE_STEP / MiB}
          value={Math.min(valueMiB, maxMiB)}
          disabled={maxMiB === 0}
          aria-valuetext={value > 0 ? formatBytes(value) : offText}
          aria-describedby={`${id}-description ${id}-max`}
          onChange={(e) => set(Number(e.target.value))}
        />
        <span className="size-number">
          <input
            type="number"
            min={0}
            max={maxMiB}
            step={1}
            value={valueMiB}
            aria-label={`${label} in MiB`}
            onChange={(e) => set(Number.parseInt(e.target.value || '0', 10))}
          />
          <span className="unit">MiB</span>
        </span>
      </div>
      <p className="size-max muted" id={`${id}-max`}>
        {maxMiB > 0 ? `Up to ${formatBytes(maxMiB * MiB)} fits on this stick with the other choices.` : 'No room left for this on the stick.'}
      </p>
    </div>
  );
}

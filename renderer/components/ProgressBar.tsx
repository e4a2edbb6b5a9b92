/** A determinate progress bar with its value for assistive technology; indeterminate while total is unknown. */
export function ProgressBar({ done, total, label, valueText }: { readonly done: number; readonly total: number; readonly label: string; readonly valueText: string }) {
  const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : null;
  return (
    <div
      className={`progress${percent === null ? ' indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent ?? undefined}
      aria-valuetext={valueText}
    >
      <span className="progress-fill" style={percent === null ? undefined : { width: `${percent}%` }} />
    </div>
  );
}

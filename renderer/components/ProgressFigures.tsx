import { formatBytes, formatDuration, formatSpeed } from '../lib/format';
import type { WriteProgress } from '../store/writeSlice';

/** A job's bytes done of its total, speed and time left, or a dash for what is not known yet. */
export function ProgressFigures({ progress, doneLabel }: { readonly progress: WriteProgress | null; readonly doneLabel: string }) {
  return (
    <dl className="write-figures">
      <div>
        <dt>{doneLabel}</dt>
        <dd>{progress ? `${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}` : '—'}</dd>
      </div>
      <div>
        <dt>Speed</dt>
        <dd>{progress && progress.speed > 0 ? formatSpeed(progress.speed) : '—'}</dd>
      </div>
      <div>
        <dt>Time left</dt>
        <dd>{progress && progress.eta !== null ? (progress.eta < 3 ? 'A few seconds' : formatDuration(progress.eta)) : '—'}</dd>
      </div>
    </dl>
  );
}

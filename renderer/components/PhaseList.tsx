import type { PhaseName } from '../../shared/contract/events';
import { PHASE_WORDS, expectedPhases } from '../lib/phases';

/** A job's phases as a checklist: done, now, still to come. A write's by default; another job
 *  (adding an image) names its own phases and words. */
export function PhaseList(props: {
  readonly fs: 'ext4' | 'f2fs' | 'vfat';
  readonly seen: readonly PhaseName[];
  readonly current: PhaseName | null;
  readonly stopped: boolean;
  readonly expected?: readonly PhaseName[];
  readonly words?: Readonly<Record<PhaseName, string>>;
  readonly label?: string;
}) {
  const { fs, seen, current, stopped, words = PHASE_WORDS, label = 'Phases of the write' } = props;
  const order = props.expected ?? expectedPhases(fs);
  const phases = [...new Set([...seen, ...order])];
  phases.sort((a, b) => (order.includes(a) && order.includes(b) ? order.indexOf(a) - order.indexOf(b) : 0));
  return (
    <ol className="phase-list" aria-label={label}>
      {phases.map((p) => {
        const state = p === current ? (stopped ? 'stopping' : 'now') : seen.includes(p) ? 'done' : 'later';
        return (
          <li key={p} className={`phase-item ${state}`}>
            <span className="phase-mark" aria-hidden="true">
              {state === 'done' ? '✓' : ''}
            </span>
            <span>{words[p].replace('…', '')}</span>
            <span className="visually-hidden">{state === 'done' ? ' (done)' : state === 'now' ? ' (now)' : ''}</span>
          </li>
        );
      })}
    </ol>
  );
}

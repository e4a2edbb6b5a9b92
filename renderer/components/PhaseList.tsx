import type { PhaseName } from '../../shared/contract/events';
import { PHASE_WORDS, expectedPhases } from '../lib/phases';

/** The write's phases as a checklist: done, now, still to come. */
export function PhaseList({ fs, seen, current, stopped }: { readonly fs: 'ext4' | 'f2fs' | 'vfat'; readonly seen: readonly PhaseName[]; readonly current: PhaseName | null; readonly stopped: boolean }) {
  const phases = [...new Set([...seen, ...expectedPhases(fs)])];
  const order = expectedPhases(fs);
  phases.sort((a, b) => (order.includes(a) && order.includes(b) ? order.indexOf(a) - order.indexOf(b) : 0));
  return (
    <ol className="phase-list" aria-label="Phases of the write">
      {phases.map((p) => {
        const state = p === current ? (stopped ? 'stopping' : 'now') : seen.includes(p) ? 'done' : 'later';
        return (
          <li key={p} className={`phase-item ${state}`}>
            <span className="phase-mark" aria-hidden="true">
              {state === 'done' ? '✓' : ''}
            </span>
            <span>{PHASE_WORDS[p].replace('…', '')}</span>
            <span className="visually-hidden">{state === 'done' ? ' (done)' : state === 'now' ? ' (now)' : ''}</span>
          </li>
        );
      })}
    </ol>
  );
}

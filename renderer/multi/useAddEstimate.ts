import { useMemo } from 'react';
import { useAppStore } from '../store';
import { estimateAdd, stickRoom, type AddEstimateResult, type StickRoom } from './addPlanning';

/** The add as the page plans it now: the stick's room and the estimate for the chosen ISO and sizes. */
export function useAddEstimate(): { room: StickRoom | null; taken: readonly string[]; result: AddEstimateResult | null } {
  const target = useAppStore((s) => s.addTarget);
  const report = useAppStore((s) => s.addIsoReport);
  const overlaySize = useAppStore((s) => s.addOverlaySize);
  const homeSize = useAppStore((s) => s.addHomeSize);
  return useMemo(() => {
    if (!target) return { room: null, taken: [], result: null };
    const room = stickRoom(target.list);
    const taken = target.list.images.map((i) => i.name ?? i.dir);
    return { room, taken, result: report ? estimateAdd(report, room, { overlaySize, homeSize }, taken) : null };
  }, [target, report, overlaySize, homeSize]);
}

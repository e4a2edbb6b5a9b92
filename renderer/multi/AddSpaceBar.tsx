import { SpaceFigure, type SpacePart } from '../components/SpaceBar';
import type { AddEstimate } from './addPlanning';

/** How the stick's free space would be used by the add: the image, its overlay and home, and what
 *  stays free (the wizard's space bar, for an add). */
export function AddSpaceBar({ estimate }: { readonly estimate: AddEstimate }) {
  const parts: SpacePart[] = [
    { key: 'system', label: 'Live system', bytes: estimate.imageBytes },
    { key: 'overlay', label: 'System changes', bytes: estimate.overlayBytes },
    { key: 'home', label: 'Home', bytes: estimate.homeBytes },
    { key: 'free', label: 'Left free', bytes: Math.max(0, estimate.freeBytes - estimate.needBytes) },
  ];
  return <SpaceFigure parts={parts} label="How the stick's free space is used" />;
}

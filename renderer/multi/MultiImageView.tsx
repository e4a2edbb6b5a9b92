import { useAppStore } from '../store';
import { AddDoneStep } from './AddDoneStep';
import { AddIsoStep } from './AddIsoStep';
import { AddReviewStep } from './AddReviewStep';
import { AddRunStep } from './AddRunStep';
import { AddSizesStep } from './AddSizesStep';
import { StickImagesPage } from './StickImagesPage';
import './multi.css';

/** The images view: the stick's images, or the add in progress (one step at a time). */
export function MultiImageView() {
  const step = useAppStore((s) => s.addStep);
  switch (step) {
    case null:
      return <StickImagesPage />;
    case 'iso':
      return <AddIsoStep />;
    case 'sizes':
      return <AddSizesStep />;
    case 'review':
      return <AddReviewStep />;
    case 'run':
      return <AddRunStep />;
    case 'done':
      return <AddDoneStep />;
  }
}

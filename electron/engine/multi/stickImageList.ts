// A stick's images as the app lists them: boot menu order (the default first), each with its
// name, beside the usage report the health view shows (sizes, overlay use, free space).
import type { StickImageList } from '../../../shared/contract/multiImage';
import type { StickImages } from './stickImages';

export function stickImageList(state: StickImages): StickImageList {
  return {
    images: state.images.map((image, index) => ({ dir: image.dir, name: image.meta?.name ?? null, isDefault: index === 0, metaSource: image.metaSource })),
    report: state.report,
  };
}

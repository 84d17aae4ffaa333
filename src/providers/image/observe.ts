/**
 * Observe the images drover baked for a fleet: one DescribeImages by ownership tags. Only when
 * retention could expire one (more images than `retain`) are their references read too, so a
 * fleet within its retention costs one call. A fleet being deleted (`deleting`) has its images
 * listed whether or not it bakes (it may have baked before), without references: deletion plans
 * them only once nothing of the fleet is left, and the step re-checks references itself.
 */
import { DEFAULT_IMAGE_RETAIN, type DesiredFleet } from '../../model/fleet';
import type { ObservedImage } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import { imageReferences, listFleetImages } from './images';
import type { Reader } from '../observe-context';

export async function observeImages(clients: AwsPort, desired: DesiredFleet, r: Reader, deleting = false): Promise<ObservedImage[] | undefined> {
  if (!desired.image.bake && !deleting) return undefined;
  const images = await listFleetImages(clients, r);
  if (deleting || images.length <= Math.max(1, desired.image.retain ?? DEFAULT_IMAGE_RETAIN)) return images;
  const refs = await imageReferences(clients, r, images.map((i) => i.id));
  return images.map((i) => ({ ...i, usedBy: refs.get(i.id) ?? [] }));
}

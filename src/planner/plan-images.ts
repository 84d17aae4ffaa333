/**
 * Image retention: which of the fleet's baked images go. Kept are the serving image, the
 * rollback target (the newest image created before the serving one), the newest `retain`
 * images, and every image something still refers to: the manifest's AMI, any version of the
 * fleet's launch template, any instance that is not terminated (observed as `usedBy`), the
 * images the groups launch. Pending images are never touched.
 * Every other image drover baked for this fleet is deregistered with its snapshots.
 * The apply step re-checks the world before it deletes anything.
 */
import { DEFAULT_IMAGE_RETAIN, type DesiredFleet } from '../model/fleet';
import type { ObservedFleet, ObservedImage } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { activeAmi, activeGroup } from './active-group';
import { step } from './steps';

export interface ImageRetention {
  serving?: string;
  rollbackTarget?: string;
  newest: string[];
  inUse: string[];
  /** Images to deregister, oldest first. */
  expired: ObservedImage[];
}

export function imageRetention(desired: DesiredFleet, observed: ObservedFleet): ImageRetention {
  const images = byNewest(observed.images ?? []);
  // Before any group exists, the manifest's AMI is what will serve.
  const serving = activeAmi(observed, activeGroup(observed, desired.loadBalancer.name)) ?? desired.image.ami;
  const servingImage = images.find((i) => i.id === serving);
  const rollbackTarget = servingImage ? images.find((i) => i.id !== serving && i.createdAt < servingImage.createdAt)?.id : undefined;
  const newest = images.slice(0, Math.max(1, desired.image.retain ?? DEFAULT_IMAGE_RETAIN)).map((i) => i.id);
  const inUse = [...imagesInUse(desired, observed)];
  const keep = new Set([...(serving ? [serving] : []), ...(rollbackTarget ? [rollbackTarget] : []), ...newest, ...inUse]);
  const expired = images.filter((i) => !keep.has(i.id) && i.state !== 'pending').reverse();
  return { ...(serving ? { serving } : {}), ...(rollbackTarget ? { rollbackTarget } : {}), newest, inUse, expired };
}

export function planImages(desired: DesiredFleet, observed: ObservedFleet): PlanStep<'deregisterImage'>[] {
  if (!observed.images) return [];
  const r = imageRetention(desired, observed);
  const retain = Math.max(1, desired.image.retain ?? DEFAULT_IMAGE_RETAIN);
  return r.expired.map((image) =>
    step(
      'deregisterImage',
      `image/${image.id}`,
      `${image.name} is older than the newest ${retain} image(s), the serving image and the rollback target, and nothing uses it`,
      { imageId: image.id, imageName: image.name, snapshotIds: image.snapshotIds },
    ),
  );
}

/** Retention is housekeeping: its steps do not hold a fleet back from Ready. */
export function isImageRetentionStep(step: PlanStep): boolean {
  return step.kind === 'deregisterImage';
}

/** Every image the manifest, the launch template or a group refers to. */
function imagesInUse(desired: DesiredFleet, observed: ObservedFleet): Set<string> {
  const used = new Set<string>();
  if (desired.image.ami) used.add(desired.image.ami);
  const lt = observed.launchTemplate;
  if (lt) {
    used.add(lt.imageId);
    for (const id of Object.values(lt.versionImages ?? {})) used.add(id);
  }
  for (const image of observed.images ?? []) if (image.usedBy?.length) used.add(image.id);
  for (const g of observed.groups) {
    const ami = activeAmi(observed, g);
    if (ami) used.add(ami);
  }
  return used;
}

function byNewest(images: ObservedImage[]): ObservedImage[] {
  return [...images].sort((a, b) => (a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : b.createdAt.localeCompare(a.createdAt)));
}

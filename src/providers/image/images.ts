/**
 * The fleet's baked images over the EC2 port: list them by ownership tags, find what still
 * refers to them, and deregister one with its snapshots after re-checking the world. Used by
 * the reconcile (observe, and the `deregisterImage` step) and by `drover delete fleet --images`.
 */
import { call, fleetName, type FleetCallContext } from '../../aws/call';
import { paginate } from '../../aws/paginate';
import type { Image } from '../../aws/types';
import { MANAGED_BY, TAG_FLEET, TAG_MANAGED_BY, isOwnedBy, resourceNames } from '../../model/names';
import type { ObservedImage } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import { isNotFound } from '../../aws/errors';
import { tagsFromList } from '../../aws/tags';
import { parseImageState } from './image-state';

const LIVE_INSTANCE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

function toObservedImage(i: Image): ObservedImage {
  return {
    id: i.ImageId ?? '',
    name: i.Name ?? '',
    state: parseImageState(i.State),
    createdAt: i.CreationDate ?? '',
    snapshotIds: (i.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId).filter((s): s is string => !!s),
    tags: tagsFromList(i.Tags),
  };
}

/** Every image drover baked for `fleet` (owners self, by the ownership tags), paged. */
export async function listFleetImages(clients: AwsPort, ctx: FleetCallContext): Promise<ObservedImage[]> {
  const fleet = fleetName(ctx);
  const Filters = [
    { Name: `tag:${TAG_FLEET}`, Values: [fleet] },
    { Name: `tag:${TAG_MANAGED_BY}`, Values: [MANAGED_BY] },
  ];
  const images = await paginate(
    (NextToken) => call(ctx, `describing images of fleet ${fleet}`, () => clients.ec2.DescribeImages({ Owners: ['self'], Filters, NextToken })),
    (p) => p.Images,
  );
  return images.map(toObservedImage).filter((i) => i.id && isOwnedBy(i.tags, fleet));
}

/**
 * What refers to each of `imageIds`: a version of the fleet's launch template, or an instance
 * that is not terminated (anyone's, not only the fleet's). Image id -> `type/id` list.
 */
export async function imageReferences(clients: AwsPort, ctx: FleetCallContext, imageIds: string[]): Promise<Map<string, string[]>> {
  const refs = new Map<string, string[]>(imageIds.map((id) => [id, []]));
  if (!imageIds.length) return refs;
  const add = (id: string | undefined, by: string) => (id ? refs.get(id)?.push(by) : undefined);
  const Filters = [
    { Name: 'image-id', Values: imageIds },
    { Name: 'instance-state-name', Values: LIVE_INSTANCE_STATES },
  ];
  const reservations = await paginate(
    (NextToken) => call(ctx, `describing instances of images ${imageIds.join(', ')}`, () => clients.ec2.DescribeInstances({ Filters, NextToken })),
    (p) => p.Reservations,
  );
  for (const i of reservations.flatMap((r) => r.Instances ?? [])) add(i.ImageId, `instance/${i.InstanceId}`);
  for (const v of await templateVersions(clients, ctx)) add(v.LaunchTemplateData?.ImageId, `launchTemplateVersion/${v.VersionNumber}`);
  return refs;
}

async function templateVersions(clients: AwsPort, ctx: FleetCallContext) {
  const name = resourceNames(fleetName(ctx)).launchTemplate;
  try {
    return await paginate(
      (NextToken) =>
        call(ctx, `describing versions of launch template ${name}`, () =>
          clients.ec2.DescribeLaunchTemplateVersions({ LaunchTemplateName: name, NextToken }),
        ),
      (p) => p.LaunchTemplateVersions,
    );
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

export type ImageRemoval = { status: 'deleted'; snapshotIds: string[] } | { status: 'absent' } | { status: 'kept'; reason: string };

/**
 * Deregister one of the fleet's images and delete its snapshots. The world decides first: an
 * image that is gone counts as removed (its listed snapshots are still deleted), one without
 * the fleet's tags or still referred to by an instance or a launch template version is kept.
 * DeregisterImage deletes the snapshots with it (DeleteAssociatedSnapshots), so a crash between
 * the calls leaves none behind; any listed snapshot still there is deleted after it.
 */
export async function deregisterImageAndSnapshots(
  clients: AwsPort,
  ctx: FleetCallContext,
  input: { imageId: string; snapshotIds?: string[] },
): Promise<ImageRemoval> {
  const { imageId } = input;
  const fleet = fleetName(ctx);
  const image = await describeImage(clients, ctx, imageId);
  if (image && !isOwnedBy(image.tags, fleet)) return { status: 'kept', reason: `image ${imageId} does not carry drover's tags for fleet ${fleet}` };
  const snapshotIds = [...new Set([...(image?.snapshotIds ?? []), ...(input.snapshotIds ?? [])])];
  let deletedWithImage = new Set<string>();
  if (image) {
    const by = (await imageReferences(clients, ctx, [imageId])).get(imageId) ?? [];
    if (by.length) return { status: 'kept', reason: `image ${imageId} is still used by ${by.join(', ')}` };
    deletedWithImage = await deregister(clients, ctx, imageId);
  }
  for (const id of snapshotIds.filter((s) => !deletedWithImage.has(s))) {
    await tolerateMissing(() => call(ctx, `deleting snapshot ${id} of image ${imageId}`, () => clients.ec2.DeleteSnapshot({ SnapshotId: id })));
  }
  return image || snapshotIds.length ? { status: 'deleted', snapshotIds } : { status: 'absent' };
}

/** Deregister with DeleteAssociatedSnapshots; the snapshots AWS reports deleted with it. */
async function deregister(clients: AwsPort, ctx: FleetCallContext, imageId: string): Promise<Set<string>> {
  try {
    const out = await call(ctx, `deregistering image ${imageId}`, () =>
      clients.ec2.DeregisterImage({ ImageId: imageId, DeleteAssociatedSnapshots: true }),
    );
    return new Set((out.DeleteSnapshotResults ?? []).filter((r) => r.ReturnCode === 'success' && r.SnapshotId).map((r) => r.SnapshotId!));
  } catch (err) {
    if (isNotFound(err)) return new Set();
    throw err;
  }
}

async function describeImage(clients: AwsPort, ctx: FleetCallContext, imageId: string): Promise<ObservedImage | undefined> {
  try {
    const out = await call(ctx, `describing image ${imageId}`, () => clients.ec2.DescribeImages({ ImageIds: [imageId] }));
    const found = out.Images?.find((i) => i.ImageId === imageId);
    return found ? toObservedImage(found) : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

async function tolerateMissing(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Baked images: at most one per (fleet, commit), found by tags; created once per name from the stopped builder. */
import { call, callOrMissing } from '../../aws/call';
import { paginate } from '../../aws/paginate';
import type { Image } from '../../aws/types';
import type { CreateImageInput, CreatedImage, FindImageInput, FoundImage, ImageFacts, ImageState, PollImageInput } from '../../model/deploy-io';
import { TAG_BAKED_AT, TAG_BRANCH, TAG_COMMIT, TAG_FLEET, TAG_REPOSITORY } from '../../model/names';
import type { AwsPort } from '../../aws/port';
import { ownedTagList } from '../../aws/tags';
import { deployError, type DeployPortsContext } from '../deploy-context';
import { parseImageState } from './image-state';

function imageState(image: Image | undefined): ImageState {
  return parseImageState(image?.State);
}

function ownImages(clients: AwsPort, ctx: DeployPortsContext, what: string, Filters: Array<{ Name: string; Values: string[] }>) {
  return paginate(
    (NextToken) => call(ctx, what, () => clients.ec2.DescribeImages({ Owners: ['self'], Filters, NextToken })),
    (page) => page.Images,
  );
}

export async function findImage(clients: AwsPort, ctx: DeployPortsContext, input: FindImageInput): Promise<FoundImage> {
  const images = await ownImages(clients, ctx, `describing images of commit ${input.commit}`, [
    { Name: `tag:${TAG_FLEET}`, Values: [input.fleet] },
    { Name: `tag:${TAG_COMMIT}`, Values: [input.commit] },
    { Name: 'state', Values: ['available', 'pending'] },
  ]);
  const image = images.find((i) => i.State === 'available') ?? images[0];
  return image?.ImageId ? { imageId: image.ImageId, state: imageState(image) } : {};
}

export async function createImage(clients: AwsPort, ctx: DeployPortsContext, input: CreateImageInput): Promise<CreatedImage> {
  const what = `creating image ${input.name} of builder ${input.instanceId}`;
  const [found] = await ownImages(clients, ctx, `describing image ${input.name}`, [{ Name: 'name', Values: [input.name] }]);
  if (found?.ImageId) return { imageId: found.ImageId };
  const tags = ownedTagList(input.fleet, input.name, {
    [TAG_COMMIT]: input.commit,
    [TAG_REPOSITORY]: input.repository,
    [TAG_BRANCH]: input.branch,
    [TAG_BAKED_AT]: ctx.clock.now().toISOString(),
  });
  const out = await call(ctx, what, () =>
    clients.ec2.CreateImage({
      InstanceId: input.instanceId,
      Name: input.name,
      Description: `drover: ${input.fleet} at ${input.commit}`,
      TagSpecifications: [
        { ResourceType: 'image', Tags: tags },
        { ResourceType: 'snapshot', Tags: tags },
      ],
    }),
  );
  if (!out.ImageId) throw deployError(ctx, what, 'CreateImage returned no image id', 'server');
  return { imageId: out.ImageId };
}

export async function pollImage(clients: AwsPort, ctx: DeployPortsContext, input: PollImageInput): Promise<ImageFacts> {
  const out = await callOrMissing(ctx, `describing image ${input.imageId}`, () =>
    clients.ec2.DescribeImages({ ImageIds: [input.imageId] }),
  );
  return { state: imageState(out?.Images?.find((i) => i.ImageId === input.imageId)), nowMs: ctx.clock.nowMs() };
}

/** Where an image came from, by its tags: the fleet and commit of a drover bake (undefined when it is gone). */
export async function imageOrigin(clients: AwsPort, ctx: DeployPortsContext, imageId: string): Promise<{ fleet?: string; commit?: string } | undefined> {
  const out = await callOrMissing(ctx, `describing image ${imageId}`, () => clients.ec2.DescribeImages({ ImageIds: [imageId] }));
  const image = out?.Images?.find((i) => i.ImageId === imageId);
  if (!image) return undefined;
  const tag = (key: string) => image.Tags?.find((t) => t.Key === key)?.Value;
  return { fleet: tag(TAG_FLEET), commit: tag(TAG_COMMIT) };
}

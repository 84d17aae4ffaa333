/**
 * Bake ports over EC2: find an image already baked for (fleet, commit), launch the builder
 * (idempotent by ClientToken), read its console marker, image it, terminate it. Images and
 * builders are found by drover's tags, never by a remembered id alone.
 */
import {
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  GetConsoleOutputCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type Image,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import type {
  BuildResultFacts, BuilderFacts, BuilderState, CreateImageInput, CreatedImage, FindImageInput, FoundImage,
  ImageFacts, ImageState, LaunchBuilderInput, LaunchedBuilder, PollBuilderInput, PollImageInput, ReadResultInput,
  TerminateBuilderInput,
} from '../../deploy/bake.machine';
import type { BakePorts } from '../../deploy/ports';
import { TAG_BAKED_AT, TAG_BRANCH, TAG_COMMIT, TAG_FLEET, TAG_REPOSITORY, TAG_ROLE } from '../../model/names';
import type { AwsClients } from '../clients';
import { ownedTagList } from '../tags';
import { parseBakeResult } from './bake-result';
import { renderBuilderScript } from './builder-user-data';
import { allPages, call, callOrMissing, deployError, type DeployPortsContext } from './context';

/** Tags a builder with its launch's ClientToken, so terminateBuilder finds it even when its id was never saved. */
export const TAG_BAKE_TOKEN = 'drover:bake-token';

const BUILDER_STATES: BuilderState[] = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'];

function imageState(image: Image | undefined): ImageState {
  if (!image?.State) return 'missing';
  if (image.State === 'available' || image.State === 'pending') return image.State;
  return 'failed';
}

export function createBakePorts(clients: AwsClients, ctx: DeployPortsContext): BakePorts {
  const describeImages = (what: string, input: ConstructorParameters<typeof DescribeImagesCommand>[0]) =>
    callOrMissing(ctx, what, () => clients.ec2.send(new DescribeImagesCommand(input)));
  const ownImages = (what: string, Filters: Array<{ Name: string; Values: string[] }>) =>
    allPages(
      (NextToken) => call(ctx, what, () => clients.ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters, NextToken }))),
      (page) => page.Images,
    );

  return {
    async findImage(input: FindImageInput): Promise<FoundImage> {
      const images = await ownImages(`describing images of commit ${input.commit}`, [
        { Name: `tag:${TAG_FLEET}`, Values: [input.fleet] },
        { Name: `tag:${TAG_COMMIT}`, Values: [input.commit] },
        { Name: 'state', Values: ['available', 'pending'] },
      ]);
      const image = images.find((i) => i.State === 'available') ?? images[0];
      return image?.ImageId ? { imageId: image.ImageId, state: imageState(image) } : {};
    },

    async launchBuilder(input: LaunchBuilderInput): Promise<LaunchedBuilder> {
      const bake = ctx.fleet.image.bake;
      if (!bake) throw deployError(ctx, 'launching a builder', 'the manifest has no bake recipe', 'invalid');
      const userData = renderBuilderScript({ ...input, fleet: input.fleet, buildScript: bake.buildScript });
      const name = `drover-builder-${input.fleet}-${input.commit.slice(0, 12)}`;
      const tags = ownedTagList(input.fleet, name, {
        [TAG_ROLE]: 'builder',
        [TAG_COMMIT]: input.commit,
        [TAG_REPOSITORY]: input.repository,
        [TAG_BRANCH]: input.branch,
        [TAG_BAKE_TOKEN]: input.clientToken,
      });
      const out = await call(ctx, `launching builder for commit ${input.commit}`, () =>
        clients.ec2.send(
          new RunInstancesCommand({
            ImageId: input.baseAmi,
            InstanceType: input.instanceType as _InstanceType,
            MinCount: 1,
            MaxCount: 1,
            SubnetId: ctx.fleet.network.subnets[0],
            SecurityGroupIds: ctx.fleet.network.securityGroups,
            ClientToken: input.clientToken,
            InstanceInitiatedShutdownBehavior: 'stop',
            UserData: Buffer.from(userData, 'utf8').toString('base64'),
            TagSpecifications: [
              { ResourceType: 'instance', Tags: tags },
              { ResourceType: 'volume', Tags: tags },
            ],
          }),
        ),
      );
      const inst = out.Instances?.[0];
      if (!inst?.InstanceId) throw deployError(ctx, `launching builder for commit ${input.commit}`, 'RunInstances returned no instance', 'server');
      return { instanceId: inst.InstanceId, launchedAtMs: inst.LaunchTime ? new Date(inst.LaunchTime).getTime() : ctx.clock.nowMs() };
    },

    async pollBuilder(input: PollBuilderInput): Promise<BuilderFacts> {
      const out = await callOrMissing(ctx, `describing builder ${input.instanceId}`, () =>
        clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [input.instanceId] })),
      );
      const name = out?.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === input.instanceId)?.State?.Name;
      const state = BUILDER_STATES.find((s) => s === name) ?? 'missing';
      return { state, nowMs: ctx.clock.nowMs() };
    },

    async readResult(input: ReadResultInput): Promise<BuildResultFacts> {
      const out = await call(ctx, `reading the console of builder ${input.instanceId}`, () =>
        clients.ec2.send(new GetConsoleOutputCommand({ InstanceId: input.instanceId })),
      );
      const text = out.Output ? Buffer.from(out.Output, 'base64').toString('utf8') : '';
      const result = parseBakeResult(text);
      return { marker: result.marker, message: result.message, nowMs: ctx.clock.nowMs() };
    },

    async createImage(input: CreateImageInput): Promise<CreatedImage> {
      const what = `creating image ${input.name} of builder ${input.instanceId}`;
      const [found] = await ownImages(`describing image ${input.name}`, [{ Name: 'name', Values: [input.name] }]);
      if (found?.ImageId) return { imageId: found.ImageId };
      const tags = ownedTagList(input.fleet, input.name, {
        [TAG_COMMIT]: input.commit,
        [TAG_REPOSITORY]: input.repository,
        [TAG_BRANCH]: input.branch,
        [TAG_BAKED_AT]: ctx.clock.now().toISOString(),
      });
      const out = await call(ctx, what, () =>
        clients.ec2.send(
          new CreateImageCommand({
            InstanceId: input.instanceId,
            Name: input.name,
            Description: `drover: ${input.fleet} at ${input.commit}`,
            TagSpecifications: [
              { ResourceType: 'image', Tags: tags },
              { ResourceType: 'snapshot', Tags: tags },
            ],
          }),
        ),
      );
      if (!out.ImageId) throw deployError(ctx, what, 'CreateImage returned no image id', 'server');
      return { imageId: out.ImageId };
    },

    async pollImage(input: PollImageInput): Promise<ImageFacts> {
      const out = await describeImages(`describing image ${input.imageId}`, { ImageIds: [input.imageId] });
      return { state: imageState(out?.Images?.find((i) => i.ImageId === input.imageId)), nowMs: ctx.clock.nowMs() };
    },

    async terminateBuilder(input: TerminateBuilderInput): Promise<void> {
      const found = await allPages(
        (NextToken) =>
          call(ctx, `finding builders of launch ${input.clientToken}`, () =>
            clients.ec2.send(
              new DescribeInstancesCommand({
                Filters: [
                  { Name: `tag:${TAG_BAKE_TOKEN}`, Values: [input.clientToken] },
                  { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
                ],
                NextToken,
              }),
            ),
          ),
        (page) => page.Reservations?.flatMap((r) => r.Instances ?? []),
      );
      const ids = new Set(found.map((i) => i.InstanceId ?? '').filter(Boolean));
      if (input.instanceId) ids.add(input.instanceId);
      for (const id of ids) {
        await callOrMissing(ctx, `terminating builder ${id}`, () => clients.ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] })));
      }
    },
  };
}

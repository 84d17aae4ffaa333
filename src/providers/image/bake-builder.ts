/**
 * The bake builder instance: launched once per ClientToken, tagged with that token so it can
 * be found and terminated even when its id was never saved, and read through its console.
 */
import { call, callOrMissing } from '../../aws/call';
import { paginate } from '../../aws/paginate';
import type { InstanceType } from '../../aws/types';
import type {
  BuildResultFacts, BuilderFacts, BuilderState, LaunchBuilderInput, LaunchedBuilder, PollBuilderInput, ReadResultInput,
  TerminateBuilderInput,
} from '../../model/deploy-io';
import { TAG_BRANCH, TAG_COMMIT, TAG_REPOSITORY, TAG_ROLE } from '../../model/names';
import type { AwsPort } from '../../aws/port';
import { ownedTagList } from '../../aws/tags';
import { parseBakeResult } from './bake-result';
import { renderBuilderScript } from './builder-user-data';
import { deployError, type DeployPortsContext } from '../deploy-context';

/** Tags a builder with its launch's ClientToken, so terminateBuilder finds it even when its id was never saved. */
export const TAG_BAKE_TOKEN = 'drover:bake-token';

const BUILDER_STATES: BuilderState[] = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'];

export async function launchBuilder(clients: AwsPort, ctx: DeployPortsContext, input: LaunchBuilderInput): Promise<LaunchedBuilder> {
  const what = `launching builder for commit ${input.commit}`;
  const bake = ctx.fleet.image.bake;
  if (!bake) throw deployError(ctx, what, 'the manifest has no bake recipe', 'invalid');
  const userData = renderBuilderScript({ ...input, buildScript: bake.buildScript });
  const tags = ownedTagList(input.fleet, `drover-builder-${input.fleet}-${input.commit.slice(0, 12)}`, {
    [TAG_ROLE]: 'builder',
    [TAG_COMMIT]: input.commit,
    [TAG_REPOSITORY]: input.repository,
    [TAG_BRANCH]: input.branch,
    [TAG_BAKE_TOKEN]: input.clientToken,
  });
  const out = await call(ctx, what, () =>
    clients.ec2.RunInstances({
      ImageId: input.baseAmi,
      InstanceType: input.instanceType as InstanceType,
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
  );
  const inst = out.Instances?.[0];
  if (!inst?.InstanceId) throw deployError(ctx, what, 'RunInstances returned no instance', 'server');
  return { instanceId: inst.InstanceId, launchedAtMs: inst.LaunchTime ? new Date(inst.LaunchTime).getTime() : ctx.clock.nowMs() };
}

export async function pollBuilder(clients: AwsPort, ctx: DeployPortsContext, input: PollBuilderInput): Promise<BuilderFacts> {
  const out = await callOrMissing(ctx, `describing builder ${input.instanceId}`, () =>
    clients.ec2.DescribeInstances({ InstanceIds: [input.instanceId] }),
  );
  const name = out?.Reservations?.flatMap((r) => r.Instances ?? []).find((i) => i.InstanceId === input.instanceId)?.State?.Name;
  return { state: BUILDER_STATES.find((s) => s === name) ?? 'missing', nowMs: ctx.clock.nowMs() };
}

export async function readResult(clients: AwsPort, ctx: DeployPortsContext, input: ReadResultInput): Promise<BuildResultFacts> {
  const out = await call(ctx, `reading the console of builder ${input.instanceId}`, () =>
    clients.ec2.GetConsoleOutput({ InstanceId: input.instanceId }),
  );
  const result = parseBakeResult(out.Output ? Buffer.from(out.Output, 'base64').toString('utf8') : '');
  return { marker: result.marker, message: result.message, nowMs: ctx.clock.nowMs() };
}

/** Terminate the builder by id and every live instance launched with the token; gone already is done. */
export async function terminateBuilder(clients: AwsPort, ctx: DeployPortsContext, input: TerminateBuilderInput): Promise<void> {
  const found = await paginate(
    (NextToken) =>
      call(ctx, `finding builders of launch ${input.clientToken}`, () =>
        clients.ec2.DescribeInstances({
          Filters: [
            { Name: `tag:${TAG_BAKE_TOKEN}`, Values: [input.clientToken] },
            { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
          ],
          NextToken,
        }),
      ),
    (page) => page.Reservations?.flatMap((r) => r.Instances ?? []),
  );
  const ids = new Set(found.map((i) => i.InstanceId ?? '').filter(Boolean));
  if (input.instanceId) ids.add(input.instanceId);
  for (const id of ids) {
    await callOrMissing(ctx, `terminating builder ${id}`, () => clients.ec2.TerminateInstances({ InstanceIds: [id] }));
  }
}

/**
 * Swap ports over Auto Scaling, Classic ELB, EC2 launch templates and CloudWatch. Green is
 * created detached, attached, and must be fully InService before blue leaves the ELB; once
 * policies move, the launch template's default follows green, so `plan` sees a converged fleet.
 * On an ALB/NLB fleet green joins the standby target group and cut-over (and its undo) are the
 * listener's forward weights (providers/targetgroup/swap.ts).
 */
import { call } from '../../aws/call';
import { paginate } from '../../aws/paginate';
import type {
  AlarmFacts, AlarmsInput, ClockFacts, CreateGreenInput, CreateVersionInput, CreatedVersion, DeregisterBlueInput,
  GroupHealthFacts, GroupHealthInput, GroupInput, MovePoliciesInput, RestoreBlueInput,
} from '../machines/swap.machine';
import type { SwapPorts } from '../machines/ports';
import type { AwsPort } from '../../aws/port';
import { deployError, type DeployPortsContext } from '../../providers/deploy-context';
import { describeGroup, isDeleting } from '../../providers/autoscaling/fleet-groups';
import { pollGroupHealth } from '../../providers/loadbalancer/group-health';
import { ensureImageVersion, pruneVersions, setDefaultVersion } from '../../providers/launchtemplate/versions';
import { moveScaling, type ScalingMoveStep } from '../../providers/scaling/scaling-move';
import { wantedHooks } from '../../planner/plan-hooks';
import { planScaling } from '../../planner/plan-scaling';
import type { ObservedFleet } from '../../model/observed';
import type { ScaleGreenInput } from '../../model/deploy-io';
import { reobserveGroups } from '../../providers/fleet/reobserve';
import * as groups from '../../providers/autoscaling/swap-groups';
import * as tg from '../../providers/targetgroup/swap';

/** The policies and alarms the planner wants on `group` when none exist yet: what a scaling move puts there. */
export function scalingStepsFor(ctx: DeployPortsContext, group: string): ScalingMoveStep[] {
  const empty: ObservedFleet = { name: ctx.fleet.name, groups: [], alarms: [], policies: [], conflicts: [], readCalls: 0 };
  return planScaling(ctx.fleet, empty, group).ensure.filter((s) => s.kind === 'putScalingPolicy' || s.kind === 'putMetricAlarm');
}

/** The launch template version a group pins, when it is a number. */
async function pinnedVersion(clients: AwsPort, ctx: DeployPortsContext, groupName: string): Promise<number | undefined> {
  const g = await describeGroup(clients, ctx, groupName);
  const v = g?.LaunchTemplate?.Version;
  return v && /^\d+$/.test(v) ? Number(v) : undefined;
}

export async function firingAlarms(clients: AwsPort, ctx: DeployPortsContext, names: string[]): Promise<string[]> {
  const firing: string[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const chunk = names.slice(i, i + 100);
    const alarms = await paginate(
      (NextToken) => call(ctx, `describing alarms ${chunk.join(', ')}`, () => clients.cloudWatch.DescribeAlarms({ AlarmNames: chunk, NextToken })),
      (page) => page.MetricAlarms,
    );
    firing.push(...alarms.filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName ?? ''));
  }
  return firing.filter(Boolean).sort();
}

async function restoreBlue(clients: AwsPort, ctx: DeployPortsContext, p: RestoreBlueInput): Promise<void> {
  const what = `restoring group ${p.blueGroup}`;
  const blue = await describeGroup(clients, ctx, p.blueGroup);
  if (!blue || isDeleting(blue)) throw deployError(ctx, what, 'the group is gone', 'notFound');
  // Health checks resume only once green left the ELB (detachGreen): blue re-registers OutOfService first.
  const suspended = (blue.SuspendedProcesses ?? []).map((s) => s.ProcessName ?? '').filter((n) => n && n !== 'HealthCheck');
  // A blue that never left service kept its scaling policies: its desired capacity is current
  // (raising it back to the swap's start would be scaled in again, at the cost of serving instances).
  const retired = suspended.some((n) => groups.RETIRED_PROCESSES.includes(n)) || !blue.DesiredCapacity;
  await groups.resumeProcesses(clients, ctx, p.blueGroup, suspended);
  const desired = retired ? Math.max(blue.DesiredCapacity ?? 0, p.desired) : (blue.DesiredCapacity ?? p.desired);
  const { min, max } = groups.sizeBounds(ctx, desired);
  if (blue.DesiredCapacity !== desired || blue.MinSize !== min || blue.MaxSize !== max) {
    await groups.setGroupSize(clients, ctx, p.blueGroup, { min, max, desired });
  }
  if (ctx.fleet.loadBalancer.elbv2) await tg.ensureBlueAttached(clients, ctx, p.blueGroup, p.greenGroup);
  else await groups.attachToLoadBalancer(clients, ctx, p.blueGroup);
  await moveScaling(clients, ctx, p.greenGroup, p.blueGroup, scalingStepsFor(ctx, p.blueGroup));
  const version = await pinnedVersion(clients, ctx, p.blueGroup);
  if (version !== undefined) await setDefaultVersion(clients, ctx, version);
}

/** Green's desired capacity set to `p.desired`, min/max admitting it; a no-op when it already is (a resumed step). */
async function scaleGreen(clients: AwsPort, ctx: DeployPortsContext, p: ScaleGreenInput): Promise<void> {
  const what = `scaling green group ${p.groupName} to ${p.desired}`;
  const g = await describeGroup(clients, ctx, p.groupName);
  if (!g || isDeleting(g)) throw deployError(ctx, what, 'the group is gone', 'notFound');
  const { min, max } = groups.sizeBounds(ctx, p.desired);
  if (g.DesiredCapacity === p.desired && g.MinSize === min && g.MaxSize === max) return;
  await groups.setGroupSize(clients, ctx, p.groupName, { min, max, desired: p.desired });
}

export function createSwapPorts(clients: AwsPort, ctx: DeployPortsContext): SwapPorts {
  const classic = createClassicSwapPorts(clients, ctx);
  if (!ctx.fleet.loadBalancer.elbv2) return classic;
  return {
    ...classic,
    attachGreen: (p: GroupInput) => tg.attachToStandby(clients, ctx, p.groupName),
    deregisterBlue: (p: DeregisterBlueInput) => tg.cutOver(clients, ctx, p.blueGroup, p.greenGroup),
    detachGreen: (p: GroupInput) => tg.returnToBlue(clients, ctx, p.groupName),
  };
}

function createClassicSwapPorts(clients: AwsPort, ctx: DeployPortsContext): SwapPorts {
  return {
    createLaunchTemplateVersion: (p: CreateVersionInput): Promise<CreatedVersion> =>
      ensureImageVersion(clients, ctx, { label: `generation ${p.generation}`, amiId: p.amiId }),
    // Groups a deployment creates carry drover's hooks from birth when a daemon answers them.
    createGreenGroup: (p: CreateGreenInput) => groups.createGreenGroup(clients, ctx, p, ctx.lifecycleHooks ? wantedHooks(ctx.fleet) : undefined),
    attachGreen: (p: GroupInput) => groups.attachToLoadBalancer(clients, ctx, p.groupName),
    pollGroupHealth: (p: GroupHealthInput): Promise<GroupHealthFacts> => pollGroupHealth(clients, ctx, p.groupName),
    async deregisterBlue(p: DeregisterBlueInput) {
      await groups.suspendProcesses(clients, ctx, p.blueGroup, groups.RETIRED_PROCESSES);
      await groups.detachFromLoadBalancer(clients, ctx, p.blueGroup);
    },
    pollAlarms: async (p: AlarmsInput): Promise<AlarmFacts> => ({ firing: await firingAlarms(clients, ctx, p.alarmNames), nowMs: ctx.clock.nowMs() }),
    pollClock: async (): Promise<ClockFacts> => ({ nowMs: ctx.clock.nowMs() }),
    async movePolicies(p: MovePoliciesInput) {
      const version = await pinnedVersion(clients, ctx, p.toGroup);
      if (version !== undefined) await setDefaultVersion(clients, ctx, version);
      await moveScaling(clients, ctx, p.fromGroup, p.toGroup, scalingStepsFor(ctx, p.toGroup));
    },
    scaleToZero: (p: GroupInput) => groups.scaleToZero(clients, ctx, p.groupName),
    async deleteGroup(p: GroupInput) {
      await groups.deleteGroup(clients, ctx, p.groupName);
      await pruneVersions(clients, ctx);
    },
    restoreBlue: (p: RestoreBlueInput) => restoreBlue(clients, ctx, p),
    async detachGreen(p: GroupInput) {
      await groups.detachFromLoadBalancer(clients, ctx, p.groupName);
      await groups.resumeHealthChecksOfServingGroups(clients, ctx, p.groupName);
    },
    reobserve: (p) => reobserveGroups(clients, ctx, p),
    scaleGreen: (p: ScaleGreenInput) => scaleGreen(clients, ctx, p),
  };
}

/**
 * Rolling ports over Auto Scaling instance refresh. Starting is idempotent: the group's newest
 * refresh is reused when it targets this version and is pending, running or successful; one
 * to another version still running is waited for. The target version becomes the launch
 * template's default, so `plan` agrees with what the group launches.
 */
import { call } from '../../aws/call';
import { reobserveGroups } from '../../providers/fleet/reobserve';
import type { InstanceRefresh } from '../../aws/types';
import type { HoldRefreshInput, RefreshHeld } from '../../model/deploy-io';
import type { PollRefreshInput, RefreshFacts, RefreshStatus, StartRefreshInput, StartedRefresh } from '../machines/rolling.machine';
import type { RollingPorts } from '../machines/ports';
import type { AwsPort } from '../../aws/port';
import { isDependency } from '../../aws/errors';
import { deployError, type DeployPortsContext } from '../../providers/deploy-context';
import { describeGroup } from '../../providers/autoscaling/fleet-groups';
import { ensureImageVersion, fleetTemplate, setDefaultVersion } from '../../providers/launchtemplate/versions';

const STATUSES: RefreshStatus[] = [
  'Pending', 'InProgress', 'Successful', 'Failed', 'Cancelling', 'Cancelled',
  'RollbackInProgress', 'RollbackFailed', 'RollbackSuccessful', 'Baking',
];
const LIVE = new Set(['Pending', 'InProgress', 'Baking', 'Successful']);

async function newestRefresh(clients: AwsPort, ctx: DeployPortsContext, groupName: string): Promise<InstanceRefresh | undefined> {
  const out = await call(ctx, `describing instance refreshes of group ${groupName}`, () =>
    clients.autoScaling.DescribeInstanceRefreshes({ AutoScalingGroupName: groupName, MaxRecords: 1 }),
  );
  return out.InstanceRefreshes?.[0];
}

/** The version a refresh moves to: its desired configuration, else the version the group now pins. */
async function refreshTarget(clients: AwsPort, ctx: DeployPortsContext, r: InstanceRefresh, groupName: string): Promise<string | undefined> {
  const version = r.DesiredConfiguration?.LaunchTemplate?.Version;
  if (version) return version;
  return (await describeGroup(clients, ctx, groupName))?.LaunchTemplate?.Version;
}

/** The refresh to reuse, or undefined when a new one may start. Throws (retryable) while another version's refresh runs. */
async function reusable(clients: AwsPort, ctx: DeployPortsContext, p: StartRefreshInput): Promise<string | undefined> {
  const newest = await newestRefresh(clients, ctx, p.groupName);
  if (!newest?.InstanceRefreshId || !LIVE.has(newest.Status ?? '')) return undefined;
  const target = await refreshTarget(clients, ctx, newest, p.groupName);
  if (target === String(p.launchTemplateVersion)) return newest.InstanceRefreshId;
  if (newest.Status === 'Successful') return undefined;
  throw deployError(ctx, `refreshing group ${p.groupName}`, `instance refresh ${newest.InstanceRefreshId} to version ${target} is ${newest.Status}`, 'dependency');
}

export async function startInstanceRefresh(clients: AwsPort, ctx: DeployPortsContext, p: StartRefreshInput): Promise<StartedRefresh> {
  await setDefaultVersion(clients, ctx, p.launchTemplateVersion);
  const existing = await reusable(clients, ctx, p);
  if (existing) return { refreshId: existing };
  const lt = await fleetTemplate(clients, ctx);
  try {
    const out = await call(ctx, `starting instance refresh of group ${p.groupName} to version ${p.launchTemplateVersion}`, () =>
      clients.autoScaling.StartInstanceRefresh({
        AutoScalingGroupName: p.groupName,
        Strategy: 'Rolling',
        DesiredConfiguration: { LaunchTemplate: { LaunchTemplateId: lt.id, Version: String(p.launchTemplateVersion) } },
        Preferences: { MinHealthyPercentage: p.minHealthyPercent, SkipMatching: false },
      }),
    );
    if (!out.InstanceRefreshId) throw deployError(ctx, `starting instance refresh of group ${p.groupName}`, 'no refresh id returned', 'server');
    return { refreshId: out.InstanceRefreshId };
  } catch (err) {
    // A refresh started by an earlier attempt whose answer was lost: reuse it if it targets this version.
    if (isDependency(err)) {
      const again = await reusable(clients, ctx, p);
      if (again) return { refreshId: again };
    }
    throw err;
  }
}

export async function pollInstanceRefresh(clients: AwsPort, ctx: DeployPortsContext, p: PollRefreshInput): Promise<RefreshFacts> {
  const out = await call(ctx, `describing instance refresh ${p.refreshId} of group ${p.groupName}`, () =>
    clients.autoScaling.DescribeInstanceRefreshes({ AutoScalingGroupName: p.groupName, InstanceRefreshIds: [p.refreshId] }),
  );
  const r = out.InstanceRefreshes?.find((x) => x.InstanceRefreshId === p.refreshId);
  const status = STATUSES.find((s) => s === r?.Status) ?? 'Missing';
  return {
    status,
    percentComplete: r?.PercentageComplete ?? 0,
    ...(r?.StatusReason ? { statusReason: r.StatusReason } : {}),
    nowMs: ctx.clock.nowMs(),
  };
}

/**
 * `rollout pause|resume` between batches: suspend or resume the group's InstanceRefresh process
 * (both idempotent). Suspended, the refresh finishes the batch it replaces and starts no other.
 */
export async function holdInstanceRefresh(clients: AwsPort, ctx: DeployPortsContext, p: HoldRefreshInput): Promise<RefreshHeld> {
  const what = `${p.hold ? 'suspending' : 'resuming'} instance refresh of group ${p.groupName}`;
  const input = { AutoScalingGroupName: p.groupName, ScalingProcesses: ['InstanceRefresh'] };
  await call(ctx, what, () => (p.hold ? clients.autoScaling.SuspendProcesses(input) : clients.autoScaling.ResumeProcesses(input)));
  return { nowMs: ctx.clock.nowMs() };
}

/** The rolling machine's first step: the version to refresh to, and the default it replaces. */
export function prepareRollingVersion(clients: AwsPort, ctx: DeployPortsContext, p: { amiId: string; deploymentId: string }) {
  return ensureImageVersion(clients, ctx, { label: `rolling ${p.deploymentId}`, amiId: p.amiId });
}

export function createRollingPorts(clients: AwsPort, ctx: DeployPortsContext): RollingPorts {
  return {
    prepareVersion: (p) => prepareRollingVersion(clients, ctx, p),
    startInstanceRefresh: (p) => startInstanceRefresh(clients, ctx, p),
    pollInstanceRefresh: (p) => pollInstanceRefresh(clients, ctx, p),
    holdInstanceRefresh: (p) => holdInstanceRefresh(clients, ctx, p),
    reobserve: (p) => reobserveGroups(clients, ctx, p),
  };
}

/**
 * The narrow port the lifecycle-hook handler uses: what an instance is doing (EC2 state, its
 * health on the load balancer, the group's instances waiting on a hook) and answering the
 * hook. SDK types stay here; an action that is already over comes back as `false`, not an error.
 */
import { paginate } from '../../aws/paginate';
import { TAG_FLEET } from '../../model/names';
import type { InstanceState } from '../../model/observed';
import { awsCall, type CallContext } from '../../aws/call';
import type { AwsPort } from '../../aws/port';
import type { AutoScalingGroup } from '../../aws/types';
import { CloudError, isInvalid, isNotFound } from '../../aws/errors';

export interface ActionRef {
  groupName: string;
  hookName: string;
  instanceId: string;
  /** Without a token, the action is named by instance id (a waiting instance found by a sweep). */
  token?: string;
}

export interface WaitingInstance {
  groupName: string;
  instanceId: string;
  transition: 'launching' | 'terminating';
}

export interface ElbInstanceHealth {
  registered: boolean;
  state: string;
  draining: boolean;
}

export interface LifecycleActionsPort {
  /** EC2 state name (`pending`, `running`, ...), or undefined when the instance is gone. */
  instanceState(instanceId: string): Promise<InstanceState | undefined>;
  elbHealth(loadBalancerName: string, instanceId: string): Promise<ElbInstanceHealth>;
  /** False when the action was already completed or timed out. */
  complete(ref: ActionRef, result: 'CONTINUE' | 'ABANDON'): Promise<boolean>;
  heartbeat(ref: ActionRef): Promise<boolean>;
  /** Instances of the fleet's groups in Pending:Wait or Terminating:Wait. */
  waitingInstances(fleet: string): Promise<WaitingInstance[]>;
  /** The same for many fleets at once (100 fleet names per tag filter, pages of 100 groups), by fleet. */
  waitingInstancesOf?(fleets: string[]): Promise<Map<string, WaitingInstance[]>>;
}

/** Auto Scaling takes up to 100 values per filter and 100 groups per page. */
const FLEETS_PER_CALL = 100;

function waitingIn(groups: AutoScalingGroup[]): WaitingInstance[] {
  const found: WaitingInstance[] = [];
  for (const g of groups) {
    for (const i of g.Instances ?? []) {
      const transition = i.LifecycleState === 'Pending:Wait' ? 'launching' : i.LifecycleState === 'Terminating:Wait' ? 'terminating' : undefined;
      if (transition && i.InstanceId) found.push({ groupName: g.AutoScalingGroupName ?? '', instanceId: i.InstanceId, transition });
    }
  }
  return found;
}

/** Auto Scaling answers "No active Lifecycle Action found" when the action is over. */
function isActionOver(err: unknown): boolean {
  return isNotFound(err) || (isInvalid(err) && /no active lifecycle action/i.test((err as Error).message));
}

export function lifecycleActionsPort(clients: AwsPort, ctx: CallContext): LifecycleActionsPort {
  const call = <T>(what: string, fn: () => Promise<T>) => awsCall(ctx, what, fn);
  const ids = (ref: ActionRef) => ({
    AutoScalingGroupName: ref.groupName,
    LifecycleHookName: ref.hookName,
    ...(ref.token ? { LifecycleActionToken: ref.token } : { InstanceId: ref.instanceId }),
  });
  const answering = async (what: string, fn: () => Promise<unknown>): Promise<boolean> => {
    try {
      await call(what, fn);
      return true;
    } catch (err) {
      if (err instanceof CloudError && isActionOver(err)) return false;
      throw err;
    }
  };
  return {
    instanceState: async (instanceId) => {
      try {
        const out = await call(`describing instance ${instanceId}`, () => clients.ec2.DescribeInstances({ InstanceIds: [instanceId] }));
        return out.Reservations?.flatMap((r) => r.Instances ?? [])[0]?.State?.Name;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    elbHealth: async (lb, instanceId) => {
      let state: { State?: string; Description?: string } | undefined;
      try {
        const out = await call(`describing health of ${instanceId} on load balancer ${lb}`, () =>
          clients.elb.DescribeInstanceHealth({ LoadBalancerName: lb, Instances: [{ InstanceId: instanceId }] }),
        );
        state = out.InstanceStates?.[0];
      } catch (err) {
        // InvalidInstance: the instance is gone or was never registered.
        if (isInvalid(err) || isNotFound(err)) return { registered: false, state: 'OutOfService', draining: false };
        throw err;
      }
      const description = state?.Description ?? '';
      const registered = !!state && !/not currently registered/i.test(description);
      return { registered, state: state?.State ?? 'Unknown', draining: /deregistration currently in progress/i.test(description) };
    },
    complete: (ref, result) =>
      answering(`completing lifecycle action ${ref.hookName} of ${ref.instanceId} with ${result}`, () =>
        clients.autoScaling.CompleteLifecycleAction({ ...ids(ref), LifecycleActionResult: result }),
      ),
    heartbeat: (ref) =>
      answering(`recording a heartbeat for lifecycle action ${ref.hookName} of ${ref.instanceId}`, () =>
        clients.autoScaling.RecordLifecycleActionHeartbeat(ids(ref)),
      ),
    waitingInstances: async (fleet) => {
      const groups = await paginate(
        (NextToken) =>
          call(`describing auto scaling groups of fleet ${fleet}`, () =>
            clients.autoScaling.DescribeAutoScalingGroups({ Filters: [{ Name: `tag:${TAG_FLEET}`, Values: [fleet] }], NextToken }),
          ),
        (page) => page.AutoScalingGroups,
      );
      return waitingIn(groups);
    },
    waitingInstancesOf: async (fleets) => {
      const byFleet = new Map<string, WaitingInstance[]>(fleets.map((f) => [f, []]));
      for (let at = 0; at < fleets.length; at += FLEETS_PER_CALL) {
        const Values = fleets.slice(at, at + FLEETS_PER_CALL);
        const groups = await paginate(
          (NextToken) =>
            call(`describing auto scaling groups of ${Values.length} fleets`, () =>
              clients.autoScaling.DescribeAutoScalingGroups({ Filters: [{ Name: `tag:${TAG_FLEET}`, Values }], MaxRecords: 100, NextToken }),
            ),
          (page) => page.AutoScalingGroups,
        );
        for (const g of groups) {
          const fleet = g.Tags?.find((t) => t.Key === TAG_FLEET)?.Value;
          if (fleet && byFleet.has(fleet)) byFleet.get(fleet)!.push(...waitingIn([g]));
        }
      }
      return byFleet;
    },
  };
}

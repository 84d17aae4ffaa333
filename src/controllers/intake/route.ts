/**
 * Which fleets an event concerns, and what kind of work it asks for. Pure. Routing only picks
 * fleet keys and a typed fact (e.g. the commit to bake); the reconcile re-reads the world.
 */
import type { ControllerEvent, MergeRequested, PushReceived, RepositoryRef } from '../../model/events';
import type { DesiredFleet } from '../../model/fleet';
import { parseGroupGeneration, resourceNames } from '../../model/names';
import { describeRepository, repositoryMatches } from './repository';

export interface FleetRoute {
  name: string;
  bakeRepository?: string;
  bakeBranch?: string;
  /** Extra Auto Scaling group names; `<fleet>-vNNN` always routes to the fleet. */
  groupNames?: string[];
  /** Alarm names owned or watched by the fleet; `<fleet>-…` also routes by prefix. */
  alarmNames?: string[];
  /** The fleet's region: events from another region never act on it. */
  region?: string;
}

export type RouteAction = 'bake' | 'reload-manifests' | 'lifecycle' | 'alarm' | 'instance' | 'record' | 'drop' | 'ignore';

export interface RouteDecision {
  fleetKeys: string[];
  action: RouteAction;
  reason: string;
  /** For `bake`: the commit requested. */
  commit?: string;
  /** For `bake` from a push: the head the branch moved from (the push chain). */
  before?: string;
  /** For `bake`: the payload field that named the commit (merge_commit_sha, squash_commit_sha, after). */
  commitSource?: string;
}

/** The routing view of validated manifests. */
export function fleetRoutes(fleets: DesiredFleet[]): FleetRoute[] {
  return fleets.map((f) => {
    const names = resourceNames(f.name);
    return {
      name: f.name,
      region: f.region,
      bakeRepository: f.image.bake?.repository,
      bakeBranch: f.image.bake?.branch,
      alarmNames: [...new Set([names.scaleOutAlarm, names.scaleInAlarm, ...f.deploy.rollbackOnAlarms])],
    };
  });
}

/** `account`: the AWS account drover runs in (from the event queue's ARN), when known. */
export function routeEvent(event: ControllerEvent, fleets: FleetRoute[], manifestRepo?: string, account?: string): RouteDecision {
  switch (event.kind) {
    case 'merge_requested':
      return routeCommit(event, event.commit, fleets, manifestRepo);
    case 'push_received':
      return routeCommit(event, event.after, fleets, manifestRepo);
    case 'instance_state_changed':
      return { fleetKeys: [], action: 'instance', reason: `instance ${event.instanceId} is now ${event.state}` };
    case 'merge_request_opened': {
      const keys = fleetsForRepository(event.repository, fleets).map((f) => f.name);
      return { fleetKeys: keys, action: 'record', reason: `merge request !${event.iid} opened against ${event.branch}; nothing deploys until it merges` };
    }
    case 'lifecycle_action':
    case 'lifecycle_test_notification':
      return fromHere(routeGroup(event.kind === 'lifecycle_action' ? 'lifecycle' : 'record', event.groupName, fleets), event, fleets, account);
    case 'alarm_state_changed':
      return fromHere(routeAlarm(event.alarmName, event.state, fleets), event, fleets, account);
  }
}

function fleetsForRepository(repo: RepositoryRef, fleets: FleetRoute[]): FleetRoute[] {
  return fleets.filter((f) => repositoryMatches(repo, f.bakeRepository));
}

function routeCommit(event: MergeRequested | PushReceived, commit: string | undefined, fleets: FleetRoute[], manifestRepo?: string): RouteDecision {
  const what = event.kind === 'merge_requested' ? `merge of !${event.mergeRequestIid}` : 'push';
  const repo = describeRepository(event.repository);
  const sameRepo = fleetsForRepository(event.repository, fleets);
  const baking = sameRepo.filter((f) => f.bakeBranch === event.branch);
  if (baking.length) return routeBake(event, commit, baking.map((f) => f.name), `${what} to ${repo}@${event.branch}`);
  if (repositoryMatches(event.repository, manifestRepo)) return routeManifestChange(event, what, fleets);
  if (sameRepo.length) {
    const wanted = sameRepo.map((f) => `${f.name} bakes ${f.bakeBranch ?? '(no branch)'}`).join(', ');
    return { fleetKeys: [], action: 'ignore', reason: `${what} to ${repo}@${event.branch} ignored: ${wanted}` };
  }
  return { fleetKeys: [], action: 'ignore', reason: `${what} to ${repo}@${event.branch} ignored: no fleet bakes from ${repo}` };
}

function routeBake(event: MergeRequested | PushReceived, commit: string | undefined, keys: string[], what: string): RouteDecision {
  if (!commit) {
    const reason = `${what} names no new commit (no merge_commit_sha or squash_commit_sha): waiting for the push to ${event.branch} to say what it holds`;
    return { fleetKeys: keys, action: 'record', reason };
  }
  const source = event.kind === 'push_received' ? 'after' : (event.commitSource ?? 'merge_commit_sha');
  const chain = event.kind === 'push_received' ? { before: event.before } : {};
  const from = event.kind === 'push_received' ? ` (${event.before.slice(0, 12)} → ${commit.slice(0, 12)})` : ` (${source})`;
  return { fleetKeys: keys, action: 'bake', commit, commitSource: source, ...chain, reason: `${what}${from} requests a bake of ${commit.slice(0, 12)}` };
}

function routeManifestChange(event: MergeRequested | PushReceived, what: string, fleets: FleetRoute[]): RouteDecision {
  const main = event.repository.defaultBranch;
  const repo = describeRepository(event.repository);
  if (main && event.branch !== main) {
    return { fleetKeys: [], action: 'ignore', reason: `${what} to manifest repository ${repo}@${event.branch} ignored: manifests come from ${main}` };
  }
  return { fleetKeys: fleets.map((f) => f.name), action: 'reload-manifests', reason: `${what} to manifest repository ${repo}@${event.branch}` };
}

function routeGroup(action: 'lifecycle' | 'record', group: string, fleets: FleetRoute[]): RouteDecision {
  const keys = fleets.filter((f) => parseGroupGeneration(f.name, group) !== undefined || f.groupNames?.includes(group)).map((f) => f.name);
  if (!keys.length) return { fleetKeys: [], action: 'drop', reason: `auto scaling group ${group} is not drover's: no fleet owns it` };
  const reason = action === 'record' ? `lifecycle hook test notification for ${group}` : `lifecycle action for group ${group}`;
  return { fleetKeys: keys, action, reason };
}

/** Exact names first; otherwise the longest `<fleet>-` prefix (so `shop-admin-cpu-high` is not `shop`'s). */
function routeAlarm(alarm: string, state: string, fleets: FleetRoute[]): RouteDecision {
  let keys = fleets.filter((f) => f.alarmNames?.includes(alarm)).map((f) => f.name);
  if (!keys.length) {
    const prefixed = fleets.filter((f) => alarm.startsWith(`${f.name}-`));
    const longest = Math.max(0, ...prefixed.map((f) => f.name.length));
    keys = prefixed.filter((f) => f.name.length === longest).map((f) => f.name);
  }
  if (!keys.length) return { fleetKeys: [], action: 'drop', reason: `alarm ${alarm} is not drover's: no fleet owns it` };
  return { fleetKeys: keys, action: 'alarm', reason: `alarm ${alarm} is now ${state}` };
}

/**
 * An event names a group or an alarm by name only; the same name in another region or account
 * is another resource. Keep the fleets the event's region and account agree with; when none
 * is left, the event is dropped and the reason says which region or account it came from.
 */
function fromHere(decision: RouteDecision, event: { region?: string; account?: string }, fleets: FleetRoute[], account?: string): RouteDecision {
  if (!decision.fleetKeys.length) return decision;
  const why: string[] = [];
  const keys = decision.fleetKeys.filter((key) => {
    const fleet = fleets.find((f) => f.name === key);
    if (event.region && fleet?.region && event.region !== fleet.region) {
      why.push(`it comes from region ${event.region}, fleet ${key} runs in ${fleet.region}`);
      return false;
    }
    if (event.account && account && event.account !== account) {
      why.push(`it comes from account ${event.account}, fleet ${key} runs in ${account}`);
      return false;
    }
    return true;
  });
  if (keys.length) return { ...decision, fleetKeys: keys };
  return { fleetKeys: [], action: 'drop', reason: `${decision.reason}; dropped: ${why.join('; ')}` };
}

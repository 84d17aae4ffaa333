/**
 * Which fleets an event concerns, and what kind of work it asks for. Pure. Routing only picks
 * fleet keys and a typed fact (e.g. the commit to bake); the reconcile re-reads the world.
 */
import type { ControllerEvent, MergeRequested, PushReceived, RepositoryRef } from '../model/events';
import type { DesiredFleet } from '../model/fleet';
import { parseGroupGeneration, resourceNames } from '../model/names';
import { describeRepository, repositoryMatches } from './repository';

export interface FleetRoute {
  name: string;
  bakeRepository?: string;
  bakeBranch?: string;
  /** Extra Auto Scaling group names; `<fleet>-vNNN` always routes to the fleet. */
  groupNames?: string[];
  /** Alarm names owned or watched by the fleet; `<fleet>-…` also routes by prefix. */
  alarmNames?: string[];
}

export type RouteAction = 'bake' | 'reload-manifests' | 'lifecycle' | 'alarm' | 'record' | 'ignore';

export interface RouteDecision {
  fleetKeys: string[];
  action: RouteAction;
  reason: string;
  /** For `bake`: the commit requested. */
  commit?: string;
}

/** The routing view of validated manifests. */
export function fleetRoutes(fleets: DesiredFleet[]): FleetRoute[] {
  return fleets.map((f) => {
    const names = resourceNames(f.name);
    return {
      name: f.name,
      bakeRepository: f.image.bake?.repository,
      bakeBranch: f.image.bake?.branch,
      alarmNames: [...new Set([names.scaleOutAlarm, names.scaleInAlarm, ...f.deploy.rollbackOnAlarms])],
    };
  });
}

export function routeEvent(event: ControllerEvent, fleets: FleetRoute[], manifestRepo?: string): RouteDecision {
  switch (event.kind) {
    case 'merge_requested':
      return routeCommit(event, event.commit, fleets, manifestRepo);
    case 'push_received':
      return routeCommit(event, event.after, fleets, manifestRepo);
    case 'merge_request_opened': {
      const keys = fleetsForRepository(event.repository, fleets).map((f) => f.name);
      return { fleetKeys: keys, action: 'record', reason: `merge request !${event.iid} opened against ${event.branch}; nothing deploys until it merges` };
    }
    case 'lifecycle_action':
    case 'lifecycle_test_notification':
      return routeGroup(event.kind === 'lifecycle_action' ? 'lifecycle' : 'record', event.groupName, fleets);
    case 'alarm_state_changed':
      return routeAlarm(event.alarmName, event.state, fleets);
  }
}

function fleetsForRepository(repo: RepositoryRef, fleets: FleetRoute[]): FleetRoute[] {
  return fleets.filter((f) => repositoryMatches(repo, f.bakeRepository));
}

function routeCommit(event: MergeRequested | PushReceived, commit: string, fleets: FleetRoute[], manifestRepo?: string): RouteDecision {
  const what = event.kind === 'merge_requested' ? `merge of !${event.mergeRequestIid}` : 'push';
  const repo = describeRepository(event.repository);
  const sameRepo = fleetsForRepository(event.repository, fleets);
  const baking = sameRepo.filter((f) => f.bakeBranch === event.branch);
  if (baking.length) {
    const keys = baking.map((f) => f.name);
    return { fleetKeys: keys, action: 'bake', commit, reason: `${what} to ${repo}@${event.branch} requests a bake of ${commit.slice(0, 12)}` };
  }
  if (repositoryMatches(event.repository, manifestRepo)) return routeManifestChange(event, what, fleets);
  if (sameRepo.length) {
    const wanted = sameRepo.map((f) => `${f.name} bakes ${f.bakeBranch ?? '(no branch)'}`).join(', ');
    return { fleetKeys: [], action: 'ignore', reason: `${what} to ${repo}@${event.branch} ignored: ${wanted}` };
  }
  return { fleetKeys: [], action: 'ignore', reason: `${what} to ${repo}@${event.branch} ignored: no fleet bakes from ${repo}` };
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
  if (!keys.length) return { fleetKeys: [], action: 'ignore', reason: `auto scaling group ${group} belongs to no fleet` };
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
  if (!keys.length) return { fleetKeys: [], action: 'ignore', reason: `alarm ${alarm} belongs to no fleet` };
  return { fleetKeys: keys, action: 'alarm', reason: `alarm ${alarm} is now ${state}` };
}

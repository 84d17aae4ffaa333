/**
 * What must hold after any crash and restart, read from the simulated account's state and
 * the calls it recorded: no leaked instances, groups, launch template versions or images,
 * at most one green group, and serving capacity never below the start's.
 */
import { localMemoryNow } from '../../src/controllers/fleet/fleet-memory';
import type { DesiredFleet } from '../../src/model/fleet';
import { isOwnedBy, TAG_COMMIT, TAG_ROLE } from '../../src/model/names';
import type { SimAccount } from '../../src/sim';

export interface RunFacts {
  sim: SimAccount;
  fleet: DesiredFleet;
  stateDir: string;
  /** Groups that existed when the run started. */
  startGroups: string[];
  /** Index into sim.calls where the run started. */
  startCall: number;
  /** InService capacity the run must never go below, and the least seen. */
  desiredAtStart: number;
  minInService: number;
}

/** Every broken invariant, as a sentence; empty when all hold. */
export function checkInvariants(f: RunFacts): string[] {
  return [...leaks(f), ...templateVersions(f), ...images(f), ...greens(f), ...capacity(f)];
}

/** The one live group the fleet should end with (errors if there is not exactly one). */
export function liveGroups(sim: SimAccount) {
  return sim.groups().filter((g) => !g.deleting);
}

function leaks(f: RunFacts): string[] {
  const out: string[] = [];
  const groups = f.sim.groups();
  if (groups.length !== 1 || groups[0].deleting) out.push(`expected exactly one Auto Scaling group, found ${groups.map((g) => `${g.name}${g.deleting ? ' (deleting)' : ''}`).join(', ') || 'none'}`);
  const active = groups[0]?.name;
  for (const i of f.sim.instances()) {
    if (i.state === 'terminated') continue;
    if (i.group !== active) out.push(`leaked instance ${i.id} (${i.state}, ${i.tags[TAG_ROLE] ?? 'no role'}, group ${i.group ?? 'none'})`);
  }
  return out;
}

/** Versions allowed: the default, those a live group pins, and the newest one below the default. */
function templateVersions(f: RunFacts): string[] {
  const state = f.sim.snapshot();
  const out: string[] = [];
  for (const lt of Object.values(state.launchTemplates).filter((t) => isOwnedBy(t.tags, f.fleet.name))) {
    const pinned = Object.values(state.groups).filter((g) => g.launchTemplate.id === lt.id).map((g) => Number(g.launchTemplate.version));
    const below = lt.versions.map((v) => v.number).filter((n) => n < lt.defaultVersion);
    const allowed = new Set([lt.defaultVersion, ...pinned, ...(below.length ? [Math.max(...below)] : [])]);
    const extra = lt.versions.map((v) => v.number).filter((n) => !allowed.has(n));
    if (extra.length) out.push(`launch template ${lt.name} keeps versions ${extra.join(', ')} beyond policy (default ${lt.defaultVersion})`);
  }
  return out;
}

/** At most one image per commit, each tagged with its commit and known to the template or the memory. */
function images(f: RunFacts): string[] {
  const state = f.sim.snapshot();
  const memory = localMemoryNow(f.stateDir, f.fleet.name);
  const used = new Set<string>([memory.target?.ami, memory.deployed?.ami, ...memory.failed.map((x) => x.ami)].filter((x): x is string => !!x));
  for (const lt of Object.values(state.launchTemplates)) for (const v of lt.versions) used.add(String(v.data.ImageId));
  const owned = Object.values(state.images).filter((i) => isOwnedBy(i.tags, f.fleet.name) && i.state !== 'failed');
  const out: string[] = [];
  const byCommit = new Map<string, string[]>();
  for (const image of owned) {
    const commit = image.tags[TAG_COMMIT];
    if (!commit) out.push(`image ${image.id} has no commit tag`);
    byCommit.set(commit ?? '', [...(byCommit.get(commit ?? '') ?? []), image.id]);
    if (!used.has(image.id)) out.push(`orphaned image ${image.id} (commit ${commit})`);
  }
  for (const [commit, ids] of byCommit) if (ids.length > 1) out.push(`${ids.length} images for commit ${commit}: ${ids.join(', ')}`);
  return out;
}

function greens(f: RunFacts): string[] {
  const created = f.sim.calls
    .slice(f.startCall)
    .filter((c) => c.operation === 'CreateAutoScalingGroup' && !c.error)
    .map((c) => String((c.input as { AutoScalingGroupName?: string }).AutoScalingGroupName))
    .filter((n) => !f.startGroups.includes(n));
  const distinct = [...new Set(created)];
  return distinct.length > 1 ? [`${distinct.length} green groups were created: ${distinct.join(', ')}`] : [];
}

function capacity(f: RunFacts): string[] {
  return f.minInService < f.desiredAtStart ? [`InService capacity fell to ${f.minInService} (desired at start ${f.desiredAtStart})`] : [];
}

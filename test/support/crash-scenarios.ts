/**
 * The crash-safety scenarios over the example manifest (capacity 2, short deploy timings):
 * a bake of a commit rolled out blue/green, and a pinned AMI that never turns healthy and
 * is rolled back.
 */
import * as path from 'node:path';
import type { DesiredFleet } from '../../src/model/fleet';
import { TAG_COMMIT, TAG_ROLE } from '../../src/model/names';
import { loadManifestFile } from '../../src/manifest';
import type { CrashScenario, EndState } from './crash-harness';
import { convergedWorld } from './crash-harness';
import { liveGroups } from './crash-invariants';

export const COMMIT = '3f9c2ab17d04e85b6c1f0a9e2d7b45c8a1e6f203';
export const BROKEN_AMI = 'ami-0a1b2c3d4e5f60003';
const BASE_AMI = 'ami-0a1b2c3d4e5f60001';
const BLUE = 'magento-marketplace-v001';

/** The example manifest with deploy waits short enough for hundreds of runs. */
export function crashFleet(): DesiredFleet {
  const example = loadManifestFile(path.join(__dirname, '../../manifests/examples/magento-marketplace.yaml'))[0];
  return {
    ...example,
    loadBalancer: { ...example.loadBalancer, connectionDrainingSeconds: 30, healthCheck: { ...example.loadBalancer.healthCheck, intervalSeconds: 10 } },
    deploy: { ...example.deploy, soakSeconds: 60, keepPreviousSeconds: 120, healthyTimeoutSeconds: 600 },
  };
}

/** Bake COMMIT, then swap to the baked image. */
export async function bakeAndSwapScenario(): Promise<CrashScenario> {
  const fleet = crashFleet();
  return {
    name: 'bake and blue/green swap',
    fleet,
    world: await convergedWorld(fleet),
    desiredAtStart: fleet.capacity.desired,
    maxVirtualMs: 4 * 3600_000,
    begin: (proc) => proc.reconciler.requestBake(fleet, { sha: COMMIT, at: proc.sim.clock.now().toISOString() }),
    expectEnd: expectBakedAndServing,
  };
}

/** The manifest pins an AMI whose instances never pass the health check. */
export async function brokenAmiScenario(): Promise<CrashScenario> {
  const fleet = crashFleet();
  // A shorter healthy timeout: every poll while green stays unhealthy is another kill point.
  const pinned: DesiredFleet = { ...fleet, image: { ...fleet.image, ami: BROKEN_AMI }, deploy: { ...fleet.deploy, healthyTimeoutSeconds: 180 } };
  return {
    name: 'never-healthy AMI rolled back',
    fleet: pinned,
    world: await convergedWorld(fleet, undefined, (sim) => sim.markAmiBroken(BROKEN_AMI)),
    desiredAtStart: fleet.capacity.desired,
    maxVirtualMs: 4 * 3600_000,
    expectEnd: expectRolledBack,
  };
}

function serving(end: EndState): { name?: string; images: string[]; inService: number } {
  const [group] = liveGroups(end.sim);
  const images = end.sim.instances().filter((i) => i.group === group?.name && i.state === 'running').map((i) => i.imageId);
  return { name: group?.name, images, inService: end.sim.inServiceCount(end.fleet.loadBalancer.name) };
}

function expectBakedAndServing(end: EndState): string[] {
  const out: string[] = [];
  const baked = Object.values(end.sim.snapshot().images).filter((i) => i.tags[TAG_COMMIT] === COMMIT && i.state !== 'failed');
  if (baked.length !== 1) out.push(`expected one image tagged ${COMMIT}, found ${baked.length}`);
  const ami = baked[0]?.id;
  const now = serving(end);
  const want = end.fleet.capacity.desired;
  if (now.images.length !== want || now.images.some((i) => i !== ami)) out.push(`group ${now.name} runs [${now.images.join(', ')}], not ${want}× baked ${ami}`);
  if (now.inService !== want) out.push(`${now.inService}/${want} InService at the end`);
  if (now.name === BLUE) out.push('the blue group still serves');
  if (end.memory.deployed?.ami !== ami || end.memory.deployed?.commit !== COMMIT) out.push(`memory says deployed ${JSON.stringify(end.memory.deployed)}`);
  if (end.memory.pendingBake) out.push('a bake is still pending');
  const builders = end.sim.instances().filter((i) => i.tags[TAG_ROLE] === 'builder' && i.state !== 'terminated');
  if (builders.length) out.push(`builders left: ${builders.map((b) => `${b.id} (${b.state})`).join(', ')}`);
  return out;
}

function expectRolledBack(end: EndState): string[] {
  const out: string[] = [];
  const now = serving(end);
  const want = end.fleet.capacity.desired;
  if (now.name !== BLUE) out.push(`expected blue ${BLUE} to serve, found ${now.name}`);
  if (now.images.length !== want || now.images.some((i) => i !== BASE_AMI)) out.push(`blue runs [${now.images.join(', ')}], not ${want}× ${BASE_AMI}`);
  if (now.inService !== want) out.push(`${now.inService}/${want} InService at the end`);
  if (!end.memory.failed.some((f) => f.ami === BROKEN_AMI)) out.push(`memory does not remember ${BROKEN_AMI} as failed`);
  return out;
}

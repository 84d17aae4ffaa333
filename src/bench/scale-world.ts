/**
 * A world of N steady fleets for `npm run bench -- scale`, built in seconds: drover converges
 * one fleet (the example, without storage and bake) on the simulated account, and its records
 * are copied N-1 times under other names and ids. Converging 2,000 fleets one by one would take
 * the sim most of an hour (every mutating call settles the whole account); the copies are what
 * 2,000 converged fleets look like, and `assertSteady` checks that drover plans nothing for them.
 */
import * as path from 'node:path';
import { converge } from '../controllers/fleet/converge';
import { loadManifestFile } from '../manifest';
import { createSimEnv, wireSimEnv, type SimEnv } from '../main/sim-env';
import type { DesiredFleet } from '../model/fleet';
import { isReportOnly } from '../model/plan';
import { nullLogger } from '../log/logger';
import { SimAccount } from '../sim';
import type { SimState } from '../sim/state';
import { convergeFleet, withCapacity } from './converge';
import { benchFleetName } from './fleet-manifests';

export interface ScaleWorld {
  env: SimEnv;
  fleets: DesiredFleet[];
}

const WIDTH = 5;
const ID = /^(i|lt|sg|eni|fs|fsmt)-[0-9a-f]+$/;

let exampleCache: { file: string; fleet: DesiredFleet } | undefined;

/** The example fleet under `name`, 2 instances, no storage, no bake. */
export function scaleFleet(root: string, name: string): DesiredFleet {
  const file = path.join(root, 'manifests/examples/magento-marketplace.yaml');
  // Parsed once: 2,000 parses of the same YAML were a tenth of a small bench's CPU.
  if (exampleCache?.file !== file) exampleCache = { file, fleet: loadManifestFile(file)[0] };
  const example = exampleCache.fleet;
  const { storage: _storage, ...rest } = withCapacity(example, 2, name);
  const { bake: _bake, ...image } = rest.image;
  return { ...rest, image };
}

type Maps = 'instances' | 'launchTemplates' | 'groups' | 'policies' | 'hooks' | 'loadBalancers' | 'alarms' | 'securityGroups';
const MAPS: Maps[] = ['instances', 'launchTemplates', 'groups', 'policies', 'hooks', 'loadBalancers', 'alarms', 'securityGroups'];

export async function buildScaleWorld(root: string, count: number): Promise<ScaleWorld> {
  const pristine = new SimAccount().snapshot();
  const env0 = createSimEnv({ logger: nullLogger });
  const template = scaleFleet(root, benchFleetName(0, WIDTH));
  await convergeFleet(env0, template);
  const saved = env0.sim.toJSON();
  const state: SimState = saved.state;
  const own: Partial<Record<Maps, Record<string, unknown>>> = {};
  const ids: string[] = [];
  for (const m of MAPS) {
    const added = Object.entries(state[m] as Record<string, unknown>).filter(([k]) => !(k in (pristine[m] as Record<string, unknown>)));
    own[m] = Object.fromEntries(added);
    for (const [k] of added) if (ID.test(k)) ids.push(k);
  }
  const text = JSON.stringify({ own, activities: state.activities.filter((a) => JSON.stringify(a).includes(template.name)) });
  const userData = new Map<string, string>();
  for (let k = 1; k < count; k++) {
    const name = benchFleetName(k, WIDTH);
    let copy = text.split(template.name).join(name);
    for (const id of ids) copy = copy.split(id).join(`${id.slice(0, -6)}${k.toString(16).padStart(6, '0')}`);
    const parsed = JSON.parse(copy) as { own: typeof own; activities: SimState['activities'] };
    for (const m of MAPS) Object.assign(state[m] as object, parsed.own[m]);
    state.activities.push(...parsed.activities);
    // User data is base64: the name inside it is renamed decoded.
    for (const lt of Object.values(parsed.own.launchTemplates ?? {}) as SimState['launchTemplates'][string][]) {
      for (const v of lt.versions as Array<{ data?: { UserData?: string } }>) {
        const ud = v.data?.UserData;
        if (!ud) continue;
        if (!userData.has(ud)) userData.set(ud, Buffer.from(ud, 'base64').toString('utf8'));
        v.data!.UserData = Buffer.from(userData.get(ud)!.split(template.name).join(name)).toString('base64');
      }
    }
  }
  // Settle only at due events: a rate-limited pass moves the clock once per token, and each settle scans all N fleets.
  const sim = SimAccount.fromJSON({ ...saved, state, calls: [], timings: { ...saved.timings, skipQuietSteps: true } });
  const env = wireSimEnv(sim, nullLogger);
  const fleets = Array.from({ length: count }, (_, k) => (k === 0 ? template : scaleFleet(root, benchFleetName(k, WIDTH))));
  return { env, fleets };
}

/** Throws unless drover plans nothing for these fleets (the copies are really converged). */
export async function assertSteady(env: SimEnv, fleets: DesiredFleet[]): Promise<void> {
  for (const f of fleets) {
    const r = await converge(f, { clients: env.clients, logger: env.logger, sleep: env.sleep, calls: env.clients.calls, ownershipCache: env.ownershipCache }, { dryRun: true });
    const steps = r.plan.steps.filter((s) => !isReportOnly(s));
    if (r.failed || steps.length || !r.readiness.ready) {
      throw new Error(`scale world: fleet ${f.name} is not steady: ${r.failed?.error.message ?? ''} ${steps.map((s) => `${s.kind} ${s.resource}: ${s.reason}`).join('; ')} ${r.readiness.message}`);
    }
  }
}

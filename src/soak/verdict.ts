/**
 * Deployments as the daemon reported them (harvested from the fleets' status after every
 * step, since status history keeps only the last 20), and the final verdict after the quiet
 * period:
 * - every fleet has one live group, nothing deploying, no bake pending, the queue drained;
 * - the newest merge of each fleet decided the end: a good commit serves, a broken build's
 *   bake Failed, a never-healthy AMI's swap was RolledBack (and neither serves). Older
 *   commits may have been skipped: while a bake runs, only the newest requested commit waits
 *   (bake register coalescing), so "every good commit is eventually deployed" means the
 *   newest good one per fleet, after which no other merge came;
 * - every deployment that did run ended as its commit deserved: a never-healthy swap never
 *   Succeeded, a broken build never produced a swap, a good commit's bake and swap never
 *   Failed or RolledBack.
 */
import { RecordRegisterPersistence } from '../controllers/intake/bake-register-records';
import { localMemoryNow } from '../controllers/fleet/fleet-memory';
import type { BakeRegister } from '../controllers/intake/bake-requests';
import type { DeploymentStatus } from '../model/fleet-status';
import { TAG_COMMIT } from '../model/names';
import type { SimAccount } from '../sim';
import { localStatusNow } from '../status/status-store';
import { SOAK_QUEUE, type SoakFleet } from './fleets';
import type { Violation } from './invariants';
import type { MergeLedger } from './merges';

/** Queue drained, one live group, not deploying, at least min InService, no bake waiting, newest commit's outcome. */
export const FINAL_CHECKS_PER_FLEET = 6;

export class DeploymentLedger {
  readonly done = new Map<string, DeploymentStatus & { fleet: string }>();
  constructor(private readonly stateDir: string) {}

  harvest(fleets: SoakFleet[]): void {
    for (const f of fleets) {
      const s = localStatusNow(this.stateDir, f.name);
      for (const d of [...(s?.history ?? []), ...(s?.deployment ? [s.deployment] : [])]) {
        if (d.result !== 'InProgress') this.done.set(d.id, { ...d, fleet: f.name });
      }
    }
  }

  /** `kind:result` -> count. */
  byResult(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const d of this.done.values()) out[`${d.kind}:${d.result}`] = (out[`${d.kind}:${d.result}`] ?? 0) + 1;
    return Object.fromEntries(Object.entries(out).sort());
  }

  status(fleet: string) {
    return localStatusNow(this.stateDir, fleet);
  }
}

/** The AMI the fleet's only live group runs, and the commit it was baked from. */
function serving(sim: SimAccount, f: SoakFleet): { groups: string[]; ami?: string; commit?: string } {
  const state = sim.snapshot();
  const live = Object.values(state.groups).filter((g) => !g.deleting && g.tags.some((t) => t.key === 'drover:fleet' && t.value === f.name));
  if (live.length !== 1) return { groups: live.map((g) => g.name) };
  const ref = live[0].launchTemplate;
  const lt = state.launchTemplates[ref.id] ?? Object.values(state.launchTemplates).find((t) => t.name === ref.name);
  const n = ref.version === '$Latest' ? lt?.latestVersion : ref.version === '$Default' ? lt?.defaultVersion : Number(ref.version);
  const ami = lt?.versions.find((v) => v.number === n)?.data.ImageId as string | undefined;
  return { groups: [live[0].name], ami, commit: ami ? state.images[ami]?.tags[TAG_COMMIT] : undefined };
}

export async function finalVerdict(sim: SimAccount, fleets: SoakFleet[], stateDir: string, merges: MergeLedger, deployments: DeploymentLedger): Promise<Violation[]> {
  const out: Violation[] = [];
  const fail = (detail: string) => out.push({ invariant: 'outcome', detail });
  const register: BakeRegister | undefined = await new RecordRegisterPersistence(stateDir).read();
  const left = sim.peekQueue(SOAK_QUEUE);
  if (left.length) fail(`${left.length} message(s) were never handled: ${left.map((m) => `${m.id} (received ${m.receiveCount}x)`).join(', ')}`);
  const newest = merges.newest();
  for (const f of fleets) {
    const s = serving(sim, f);
    const st = deployments.status(f.name);
    if (s.groups.length !== 1) fail(`fleet ${f.name} ends with ${s.groups.length} live groups (${s.groups.join(', ')})`);
    if (st?.deployment?.result === 'InProgress') fail(`fleet ${f.name} is still deploying: ${st.deployment.kind} ${st.deployment.phase}`);
    if (sim.inServiceCount(f.loadBalancer) < f.min) fail(`fleet ${f.name} ends with ${sim.inServiceCount(f.loadBalancer)} InService, below its minimum ${f.min}`);
    const pendingBake = localMemoryNow(stateDir, f.name).pendingBake;
    const queued = register?.fleets[f.name];
    if (pendingBake || queued?.inFlight || queued?.pending) fail(`fleet ${f.name} still has a bake waiting (${pendingBake?.commit ?? queued?.inFlight?.commit ?? queued?.pending?.commit})`);
    const last = newest.get(f.name);
    if (last) out.push(...newestOutcome(f, last.commit, last.kind, s.commit, [...deployments.done.values()]));
  }
  out.push(...everyOutcome(merges, deployments));
  return out;
}

function newestOutcome(f: SoakFleet, commit: string, kind: string, servingCommit: string | undefined, done: DeploymentStatus[]): Violation[] {
  const short = commit.slice(0, 8);
  const mine = done.filter((d) => (d as { fleet?: string }).fleet === f.name && d.commit === commit);
  const fail = (detail: string): Violation[] => [{ invariant: 'outcome', detail: `fleet ${f.name}, newest commit ${short} (${kind}): ${detail}` }];
  if (kind === 'good') return servingCommit === commit ? [] : fail(`serves ${servingCommit ?? 'the base AMI'} instead (${mine.map((d) => `${d.kind}:${d.result}`).join(', ') || 'never deployed'})`);
  if (servingCommit === commit) return fail('it serves');
  if (kind === 'broken-build' && !mine.some((d) => d.kind === 'bake' && d.result === 'Failed')) return fail(`no failed bake (${mine.map((d) => `${d.kind}:${d.result}`).join(', ') || 'never baked'})`);
  if (kind === 'never-healthy' && !mine.some((d) => d.kind === 'swap' && d.result === 'RolledBack')) return fail(`not rolled back (${mine.map((d) => `${d.kind}:${d.result}`).join(', ') || 'never deployed'})`);
  return [];
}

function everyOutcome(merges: MergeLedger, deployments: DeploymentLedger): Violation[] {
  const out: Violation[] = [];
  for (const d of deployments.done.values()) {
    const kind = merges.kindOf(d.commit);
    if (!kind) continue;
    const what = `${d.fleet}: ${d.kind} ${d.id} of ${kind} commit ${d.commit!.slice(0, 8)} ended ${d.result}${d.reason ? ` (${d.reason}: ${d.message ?? ''})` : ''}`;
    const ok =
      kind === 'good' ? d.result === 'Succeeded' : kind === 'broken-build' ? d.kind === 'bake' && d.result === 'Failed' : d.kind === 'bake' ? d.result === 'Succeeded' : d.result === 'RolledBack';
    if (!ok) out.push({ invariant: 'outcome', detail: what });
  }
  return out;
}

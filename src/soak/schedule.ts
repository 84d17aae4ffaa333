/**
 * The soak's random faults, drawn from its seeded generator once per step (rates are per
 * virtual hour, so the step length does not change how much happens):
 * - always on while the chaos lasts: 10 % throttling and 1 % server errors on every service,
 *   eventual consistency (Describe* misses what was created in the last 2–6 s), SQS
 *   duplicates (10 % of deliveries) and reordering;
 * - bursts of 5xx on one operation; capacity shortages (30–120 s) of one instance type or all;
 *   an instance of a fleet failed by the account itself (terminated under it);
 * - merges into random fleets (sometimes several in a row, which the bake register
 *   coalesces), each good, a broken build or a never-healthy AMI;
 * - load waves per fleet: a spike (scale out) and its end (scale in);
 * - kill -9 of the daemon after a random number of its AWS calls.
 */
import type { SimAccount } from '../sim';
import type { CapacityWatch } from './capacity';
import type { SoakFleet } from './fleets';
import type { CommitKind, MergeLedger } from './merges';

const SERVICES = ['EC2', 'AutoScaling', 'ElasticLoadBalancing', 'CloudWatch', 'EFS', 'SQS'];
const BURST_OPS: Array<[string, string, string]> = [
  ['EC2', 'DescribeInstances', 'InternalError'],
  ['EC2', 'RunInstances', 'ServiceUnavailable'],
  ['EC2', 'CreateImage', 'InternalError'],
  ['AutoScaling', 'DescribeAutoScalingGroups', 'InternalFailure'],
  ['AutoScaling', 'CreateAutoScalingGroup', 'InternalFailure'],
  ['AutoScaling', 'UpdateAutoScalingGroup', 'InternalFailure'],
  ['ElasticLoadBalancing', 'DescribeInstanceHealth', 'ServiceUnavailable'],
  ['SQS', 'ReceiveMessage', 'InternalError'],
  ['SQS', 'DeleteMessageBatch', 'InternalError'],
];

/** Events per virtual hour. */
export const RATES = { merge: 2.5, burst: 1, shortage: 0.6, instanceFailure: 0.3, kill: 1.5, loadWavePerFleet: 0.8, consistencyChange: 1 };

export interface ScheduleCounts {
  merges: Record<CommitKind, number>;
  serverErrorBursts: number;
  capacityShortages: number;
  instanceFailures: number;
  killsArmed: number;
}

export interface ScheduleDeps {
  sim: SimAccount;
  fleets: SoakFleet[];
  merges: MergeLedger;
  capacity: CapacityWatch;
  random: () => number;
  armKill(afterCalls: number): void;
  /** Let virtual time pass with the daemon keeping up. */
  pass(ms: number): Promise<void>;
}

export class ChaosSchedule {
  readonly counts: ScheduleCounts = { merges: { good: 0, 'broken-build': 0, 'never-healthy': 0 }, serverErrorBursts: 0, capacityShortages: 0, instanceFailures: 0, killsArmed: 0 };
  private readonly high = new Set<string>();

  constructor(private readonly d: ScheduleDeps) {}

  /** Turn on the always-on faults. */
  begin(): void {
    const { sim } = this.d;
    for (const svc of SERVICES) {
      sim.failRate(svc, '*', 'Throttling', 0.1);
      sim.failRate(svc, '*', svc === 'EC2' ? 'InternalError' : svc === 'SQS' ? 'InternalError' : 'ServiceUnavailable', 0.01);
    }
    sim.setQueueChaos({ duplicateRate: 0.1, reorder: true });
    this.consistency();
  }

  /** Everything off, load low: the quiet period the end state is judged after. */
  end(): void {
    this.d.sim.clearFaults();
    for (const f of this.d.fleets) this.d.sim.setLoad(f.loadBalancer, 10);
    this.high.clear();
  }

  /** Draw this step's events (`stepMs` long); merges only when `merging`. */
  async step(stepMs: number, merging: boolean): Promise<void> {
    const { random } = this.d;
    const happens = (perHour: number) => random() < (perHour * stepMs) / 3_600_000;
    if (happens(RATES.consistencyChange)) this.consistency();
    if (happens(RATES.burst)) this.burst();
    if (happens(RATES.shortage)) this.shortage();
    if (happens(RATES.instanceFailure)) await this.failInstance();
    for (const f of this.d.fleets) if (happens(RATES.loadWavePerFleet)) this.loadWave(f);
    if (merging && happens(RATES.merge)) await this.mergeSome();
    if (happens(RATES.kill)) {
      this.counts.killsArmed++;
      this.d.armKill(1 + Math.floor(random() * 300));
    }
  }

  private pick<T>(items: T[]): T {
    return items[Math.floor(this.d.random() * items.length)];
  }

  private consistency(): void {
    this.d.sim.setEventualConsistency({ describeNotFoundMs: Math.round(2_000 + this.d.random() * 4_000) });
  }

  private burst(): void {
    const [svc, op, code] = this.pick(BURST_OPS);
    this.d.sim.failNext(svc, op, code, 1 + Math.floor(this.d.random() * 3));
    this.counts.serverErrorBursts++;
  }

  private shortage(): void {
    const types = [...new Set(this.d.fleets.map((f) => f.instanceType)), 'c5.xlarge', '*'];
    const type = this.pick(types);
    const forMs = Math.round(30_000 + this.d.random() * 90_000);
    this.d.sim.setCapacityShortage(type, forMs);
    this.d.capacity.shortage(type, this.d.sim.nowMs() + forMs);
    this.counts.capacityShortages++;
  }

  /** The account terminates one InService instance of a random fleet (hardware failure). */
  private async failInstance(): Promise<void> {
    const f = this.pick(this.d.fleets);
    const lb = this.d.sim.loadBalancer(f.loadBalancer);
    const serving = Object.entries(lb?.instances ?? {}).filter(([, r]) => r.state === 'InService').map(([id]) => id);
    if (!serving.length) return;
    const id = this.pick(serving);
    // Noted before the call: the instance starts leaving the ELB inside it.
    this.d.capacity.accountFailed(f.name);
    for (let attempt = 0; attempt < 10; attempt++) {
      const ok = await this.d.sim.dispatch('EC2', 'TerminateInstances', { InstanceIds: [id] }).then(() => true, () => false);
      if (ok) return void this.counts.instanceFailures++;
    }
  }

  private loadWave(f: SoakFleet): void {
    const high = !this.high.has(f.name);
    if (high) this.high.add(f.name);
    else this.high.delete(f.name);
    const instances = f.min + 1 + Math.floor(this.d.random() * 2);
    this.d.sim.setLoad(f.loadBalancer, high ? Math.round((80 + this.d.random() * 15) * instances) : 10);
  }

  /** One merge, or a burst of 2–3 into the same fleet a few seconds apart. */
  private async mergeSome(): Promise<void> {
    const f = this.pick(this.d.fleets);
    const n = this.d.random() < 0.2 ? 2 + Math.floor(this.d.random() * 2) : 1;
    for (let i = 0; i < n; i++) {
      const r = this.d.random();
      const kind: CommitKind = r < 0.7 ? 'good' : r < 0.85 ? 'broken-build' : 'never-healthy';
      await this.d.merges.merge(f, kind);
      this.counts.merges[kind]++;
      await this.d.pass(1_000 + Math.floor(this.d.random() * 5_000));
    }
  }
}

/**
 * The swap's in-memory fleet plus what a canary asks of it: green scaled step by step, a
 * Classic ELB where blue instances leave one by one as green ones serve (the weight is the
 * number of green instances beside blue), and an analysis whose verdict a test chooses.
 */
import type { VirtualClock } from '../../../src/util/clock';
import type { CanaryPorts } from '../../../src/deploy/machines/ports';
import { canaryGreenCount, type CanaryAnalysisInput, type CanaryVerdict } from '../../../src/model/deploy-io';
import { FakeSwapWorld, type FakeGroup, type FakeSwapOptions } from './fake-swap-world';

export interface FakeCanaryOptions extends FakeSwapOptions {
  /** The verdict of each analysis; `pass` when not given. */
  verdict?: (input: CanaryAnalysisInput, nowMs: number) => CanaryVerdict;
}

export class FakeCanaryWorld extends FakeSwapWorld implements CanaryPorts {
  /** Blue instances taken out of the load balancer by a weight step. */
  readonly deregistered = new Set<string>();
  /** Groups tagged as kept for inspection, with the reason. */
  readonly kept = new Map<string, string>();
  readonly analyses: Array<CanaryAnalysisInput & { atMs: number; verdict: CanaryVerdict }> = [];
  /** When each decisive operation happened, on the virtual clock. */
  readonly times: Array<{ op: string; atMs: number }> = [];

  constructor(clock: VirtualClock, readonly canaryOptions: FakeCanaryOptions) {
    super(clock, canaryOptions);
  }

  override inService(group: FakeGroup): string[] {
    // The base constructor samples before this class's fields exist.
    return super.inService(group).filter((id) => !this.deregistered?.has(id));
  }

  protected override mutated(op: string): void {
    this.times.push({ op, atMs: this.clock.nowMs() });
    super.mutated(op);
  }

  async setTrafficWeight(input: { blueGroup: string; greenGroup: string; weight: number; desired: number }) {
    const blue = this.group(input.blueGroup);
    const green = this.groups.get(input.greenGroup);
    const greenServing = green ? this.inService(green).length : 0;
    if (input.weight === 0) {
      this.deregistered.clear();
      blue.suspended = false;
      if (green && this.inService(blue).length >= input.desired) green.registered = false;
    } else {
      const wanted = canaryGreenCount(input.weight, input.desired);
      if (greenServing < wanted) throw Object.assign(new Error(`green serves ${greenServing} of ${wanted}`), { retryable: true });
      const keep = Math.max(0, input.desired - wanted);
      blue.suspended = true;
      this.deregistered.clear();
      for (const i of blue.instances.slice(keep)) this.deregistered.add(i.id);
    }
    const facts = { greenServing: green ? this.inService(green).length : 0, blueServing: this.inService(blue).length, approximate: true, nowMs: this.clock.nowMs() };
    this.mutated(`setTrafficWeight ${input.weight} green=${facts.greenServing} blue=${facts.blueServing}`);
    return facts;
  }

  async keepGreen(input: { groupName: string; reason: string }) {
    this.kept.set(input.groupName, input.reason);
    this.mutated(`keepGreen ${input.groupName} ${input.reason}`);
  }

  async analyze(input: CanaryAnalysisInput) {
    const nowMs = this.clock.nowMs();
    const verdict = this.canaryOptions.verdict?.(input, nowMs) ?? 'pass';
    this.analyses.push({ ...input, atMs: nowMs, verdict });
    return { verdict, checks: [{ name: 'http-5xx-rate', verdict, ...(verdict === 'fail' ? { message: 'green 4.0 % > 2 × blue 0.1 % + 0.5 %' } : {}) }], nowMs };
  }
}

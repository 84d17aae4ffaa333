import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAccount } from '../sim';
import type { SoakFleet } from './fleets';
import { BAKE_TIMEOUT_MS, BUILDER_SLACK_MS, StepInvariants } from './invariants';

const FLEET: SoakFleet = { name: 'web', loadBalancer: 'web-elb', instanceType: 't3.medium', min: 1, max: 2, project: 'shop/web' };

function builder(sim: SimAccount, commit: string) {
  const tags = { 'drover:fleet': 'web', 'drover:managed-by': 'drover', 'drover:role': 'builder', 'drover:commit': commit };
  return sim.dispatch('EC2', 'RunInstances', {
    ImageId: 'ami-0a1b2c3d4e5f60001', InstanceType: 'c5.xlarge', MinCount: 1, MaxCount: 1,
    TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
  });
}

describe('step invariants', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drover-soak-inv-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lets a builder run for the bake timeout, then reports it leaked', async () => {
    const sim = new SimAccount();
    const inv = new StepInvariants(sim, [FLEET], dir);
    await builder(sim, 'a'.repeat(40));
    sim.advance(BAKE_TIMEOUT_MS);
    expect(inv.check()).toEqual([]);
    sim.advance(BUILDER_SLACK_MS + 60_000);
    expect(inv.check()).toEqual([expect.objectContaining({ invariant: 'no-leaks', detail: expect.stringMatching(/^builder i-\w+ of fleet web \(commit a{40}\) is running after 46 min$/) })]);
    expect(inv.checks).toBeGreaterThan(0);
  });

  it('reports a second builder for the same commit, even after the first is gone', async () => {
    const sim = new SimAccount();
    const inv = new StepInvariants(sim, [FLEET], dir);
    const first = await builder(sim, 'b'.repeat(40));
    expect(inv.check()).toEqual([]);
    await sim.dispatch('EC2', 'TerminateInstances', { InstanceIds: [first.Instances[0].InstanceId] });
    sim.advance(2 * 3600_000);
    await builder(sim, 'b'.repeat(40));
    expect(inv.check().map((v) => v.invariant)).toEqual(['baked-once']);
  });
});

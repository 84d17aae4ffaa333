/**
 * Crash safety of deployments. A reference run of each scenario names every AWS call and
 * every deploy/bake machine transition; then, for each one, a controller is killed right
 * there (in-memory state gone, its AWS calls never answered), a fresh controller starts on
 * the same state directory and simulated account and converges, and the invariants are
 * checked: the right end state; no leaked instances, groups, template versions or images;
 * at most one green group; InService capacity never below the start's. Every point runs
 * again with the deployment record deleted before the restart, where there was one.
 */
import { createAwsPort } from '../src/aws/clients';
import { createSimPlugin, SimAccount } from '../src/sim';
import { planKillPoints, runKillPlan, runReference, type CrashScenario, type KillPlan } from './support/crash-harness';
import { checkInvariants } from './support/crash-invariants';
import { bakeAndSwapScenario, brokenAmiScenario, COMMIT } from './support/crash-scenarios';

const totals = { points: 0, mutating: 0, transitions: 0, reads: 0, skippedReads: 0, runs: 0, identical: 0, passed: 0 };

function phasesOf(plan: KillPlan): string[] {
  return [...new Set(plan.points.filter((p) => p.at === 'transition').map((p) => p.label.replace(/^at transition #\d+ /, '')))];
}

async function everyKillPoint(scenario: CrashScenario, mustVisit: string[]): Promise<void> {
  const started = Date.now();
  const ref = await runReference(scenario);
  expect(ref.violations).toEqual([]);
  const plan = planKillPoints(ref);
  // The reference run really went through the phases under test.
  expect(phasesOf(plan)).toEqual(expect.arrayContaining(mustVisit));
  const result = await runKillPlan(scenario, plan);
  expect(result.failures).toEqual([]);
  // Some restarts had to rebuild the deployment from the world alone.
  expect(result.runs - plan.points.length).toBeGreaterThan(0);
  Object.assign(totals, {
    points: totals.points + plan.points.length,
    mutating: totals.mutating + plan.mutating,
    transitions: totals.transitions + plan.transitions,
    reads: totals.reads + plan.reads,
    skippedReads: totals.skippedReads + plan.skippedReads,
    runs: totals.runs + result.runs,
    identical: totals.identical + result.identicalVariants,
    passed: totals.passed + 1,
  });
  console.log(
    `crash-safety ${scenario.name}: ${plan.points.length} kill points (${plan.mutating} mutating calls, ${plan.transitions} transitions, ${plan.reads} reads; ` +
      `${plan.skippedReads} reads skipped as equivalent), ${result.runs} runs (${result.identicalVariants} without a record to delete) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}

describe('crash safety of deployments', () => {
  afterAll(() => {
    if (totals.passed < 2) return;
    console.log(
      `crash-safety: ${totals.points} kill points (${totals.mutating} mutating calls, ${totals.transitions} transitions, ${totals.reads} reads), 2 variants, all invariants held` +
        ` [${totals.runs} runs; ${totals.skippedReads} reads skipped as equivalent; ${totals.identical} points had no record to delete]`,
    );
  });

  it(`bakes ${COMMIT.slice(0, 12)} and swaps to it, whatever call or transition the controller dies at`, async () => {
    await everyKillPoint(await bakeAndSwapScenario(), [
      'bake:launchBuilder', 'bake:waitBuilderStopped', 'bake:createImage', 'bake:terminateBuilder', 'bake:succeeded',
      'swap:createGreenGroup', 'swap:waitGreenHealthy', 'swap:deregisterBlue', 'swap:drainBlue', 'swap:soak',
      'swap:movePolicies', 'swap:scaleBlueToZero', 'swap:keepPrevious', 'swap:deleteBlue', 'swap:succeeded',
    ]);
  }, 240_000);

  it('rolls a never-healthy AMI back and remembers it, whatever call or transition the controller dies at', async () => {
    await everyKillPoint(await brokenAmiScenario(), [
      'swap:createGreenGroup', 'swap:waitGreenHealthy', 'swap:restoreBlue', 'swap:waitBlueHealthy', 'swap:detachGreen', 'swap:deleteGreen', 'swap:rolledBack',
    ]);
  }, 240_000);

  it('notices a leaked instance and a dip in serving capacity', async () => {
    const scenario = await brokenAmiScenario();
    const sim = SimAccount.fromJSON(scenario.world);
    const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(sim) });
    await clients.ec2.RunInstances({ ImageId: 'ami-0a1b2c3d4e5f60001', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 });
    const facts = { sim, fleet: scenario.fleet, stateDir: '/nonexistent', startGroups: [], startCall: 0, desiredAtStart: 2, minInService: 1 };
    const violations = checkInvariants(facts);
    expect(violations).toEqual([expect.stringMatching(/^leaked instance i-[0-9a-f]{17} \(pending, no role, group none\)$/), 'InService capacity fell to 1 (desired at start 2)']);
  });
});

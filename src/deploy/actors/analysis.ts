/**
 * The `analyze` port a canary machine calls after each weight step and during pauses: resolve
 * blue's and green's resources from their groups, measure the checks that are due with one
 * GetMetricData, judge them (src/planner/analysis.ts) and keep the tally of this rollout, so a
 * check fails the rollout only beyond its failureLimit.
 *
 * The tally lives in this analyzer, per fleet and green group: a restarted daemon starts it anew
 * (it forgets failures still within their limit, never a failed verdict the machine acted on).
 */
import type { AwsPort } from '../../aws/port';
import type { AnalysisCheck, AnalysisRun, AnalysisSides, AnalysisTally, AnalysisVerdict, CheckMeasurement, MetricResults } from '../../model/analysis';
import type { CanaryCheck } from '../../model/deploy-io';
import { analysisChecks } from '../../planner/analysis-defaults';
import { buildMetricQueries, dueChecks, emptyTally, evaluateRun, windowEnd } from '../../planner/analysis';
import type { DeployPortsContext } from '../../providers/deploy-context';
import { fetchMetricResults, resolveSide } from '../../providers/analysis/metrics';

/** What the canary machine passes (CanaryAnalysisInput). */
export interface AnalysisStep {
  fleet: string;
  blueGroup: string;
  greenGroup: string;
  stepIndex: number;
  weight: number;
  phase: 'step' | 'pause';
}

/** What it gets back (CanaryAnalysisFacts), with the measurements behind each check. */
export interface AnalysisOutcome {
  verdict: AnalysisVerdict;
  checks: Array<CanaryCheck & Pick<CheckMeasurement, 'message' | 'failures' | 'failureLimit'>>;
  nowMs: number;
  /** This run alone (see AnalysisRun.run). */
  run: AnalysisVerdict;
  measurements: CheckMeasurement[];
  sides: AnalysisSides;
}

export type Analyze = (step: AnalysisStep) => Promise<AnalysisOutcome>;

export interface AnalyzerOptions {
  /** The checks for these sides; defaults to the manifest's (or the built-in ones for the sides' load balancer). */
  checks?: (sides: AnalysisSides) => AnalysisCheck[];
}

interface Rollout {
  sides: AnalysisSides;
  checks: AnalysisCheck[];
  tally: AnalysisTally;
  last?: AnalysisRun;
}

function manifestChecks(ctx: DeployPortsContext): (sides: AnalysisSides) => AnalysisCheck[] {
  const { analysis, strategy } = ctx.fleet.deploy;
  return (sides) => analysisChecks(analysis, strategy, sides.green.targetGroup ? 'application' : 'classic');
}

/** `2 failures > limit 1`, or `1 failure of 1 allowed`. */
function failuresText(c: CheckMeasurement): string {
  const n = `${c.failures} failure${c.failures === 1 ? '' : 's'}`;
  return c.failures > c.failureLimit ? `${n} > limit ${c.failureLimit}` : `${n} of ${c.failureLimit} allowed`;
}

function outcome(run: AnalysisRun, sides: AnalysisSides, nowMs: number): AnalysisOutcome {
  return {
    verdict: run.verdict,
    checks: run.checks.map((c) => ({
      name: c.name,
      verdict: c.verdict,
      message: c.verdict === 'fail' ? `${c.message} (${failuresText(c)})` : c.message,
      ...(c.green !== undefined ? { value: c.green } : {}),
      ...(c.limit !== undefined && Number.isFinite(c.limit) ? { threshold: c.limit } : {}),
      failures: c.failures,
      failureLimit: c.failureLimit,
    })),
    nowMs,
    run: run.run,
    measurements: run.checks,
    sides,
  };
}

function unresolved(sides: AnalysisSides, nowMs: number, message: string): AnalysisOutcome {
  const check = { name: 'resources', verdict: 'inconclusive' as const, message };
  return { verdict: 'inconclusive', checks: [{ ...check, failures: 0, failureLimit: 0 }], nowMs, run: 'inconclusive', measurements: [{ ...check, failures: 0, failureLimit: 0 }], sides };
}

export function createAnalyzer(clients: AwsPort, ctx: DeployPortsContext, opts: AnalyzerOptions = {}): Analyze {
  const rollouts = new Map<string, Rollout>();
  const checksFor = opts.checks ?? manifestChecks(ctx);
  return async (step) => {
    const key = `${step.fleet}/${step.greenGroup}`;
    let rollout = rollouts.get(key);
    if (!rollout) {
      const sides = { green: await resolveSide(clients, ctx, step.greenGroup), blue: await resolveSide(clients, ctx, step.blueGroup) };
      const nowMs = ctx.clock.nowMs();
      const lost = (['green', 'blue'] as const).filter((s) => !sides[s].loadBalancer);
      // A group not (yet) attached is asked again next time rather than judged on the wrong load balancer.
      if (lost.length) return unresolved(sides, nowMs, `found no load balancer or target group for ${lost.join(' and ')}`);
      rollout = { sides, checks: checksFor(sides), tally: emptyTally() };
      rollouts.set(key, rollout);
    }
    const nowMs = ctx.clock.nowMs();
    if (!rollout.checks.length) return { verdict: 'pass', checks: [], nowMs, run: 'pass', measurements: [], sides: rollout.sides };
    const due = dueChecks(rollout.checks, rollout.tally, nowMs);
    if (!due.length && rollout.last) return outcome(rollout.last, rollout.sides, nowMs);
    const results: MetricResults = {};
    for (const plan of buildMetricQueries(due, rollout.sides, nowMs)) Object.assign(results, await fetchMetricResults(clients, ctx, plan));
    const run = evaluateRun(due, rollout.sides, results, windowEnd(nowMs), rollout.tally);
    rollout.tally = run.tally;
    rollout.last = run;
    return outcome(run, rollout.sides, nowMs);
  };
}

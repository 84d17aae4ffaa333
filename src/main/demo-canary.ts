/**
 * The demo's canary chapter. Health checks caught the last bad commit; this one's build boots,
 * answers /health_check.php and joins the ELB, but fails 30 % of requests with a 5xx. The team
 * switches the fleet to a canary with analysis (a merge in the manifest repository), and the
 * canary's analysis of the ELB's 5xx metrics sends all traffic back to blue at its first weight (50 %).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DeploymentStatus, FleetEvent } from '../model/fleet-status';
import { canaryAnalysisText, canaryStepText } from '../status/rollout-status';
import { check, deployed, FLEET, LB, lowestServing, sendMerge, status, waitFor, type Ctx, type Step } from './demo-kit';

export const METRICS_BAD_COMMIT = '5e11f00d4e6f8091a2b3c4d5e6f708192a3b4c6d';
export const ERROR_RATE = 0.3;
/** What the manifest merge puts under spec.deploy (the README's canary section shows the same shape). */
const STEPS = '[{setWeight: 50}, {pause: 10m}, {setWeight: 100}]';
export const CANARY_DEPLOY = [
  'strategy: canary',
  'canary:',
  `  steps: ${STEPS}`,
  '  onAbort: delete',
  'analysis: default',
];

/** The fleet manifest with `spec.deploy.strategy: canary`, its steps and the default analysis. */
export function switchToCanary(manifestFile: string): void {
  const text = fs.readFileSync(manifestFile, 'utf8');
  const line = text.match(/^(\s+)strategy: blueGreen.*$/m);
  if (!line) throw new Error(`${manifestFile}: no "strategy: blueGreen" under spec.deploy to switch to canary`);
  fs.writeFileSync(manifestFile, text.replace(line[0], CANARY_DEPLOY.map((l) => `${line[1]}${l}`).join('\n')));
}

const canaryOf = (ctx: Ctx): DeploymentStatus | undefined =>
  status(ctx)?.history.find((d) => d.kind === 'canary' && d.commit === METRICS_BAD_COMMIT);

/**
 * Says each new canary step and analysis verdict, as `drover rollout status` would show them. The
 * status is read every 10 virtual seconds and a step can pass between two reads, so a weight is also
 * told from the analysis that measured it, and green's first service from the recorded timeline.
 */
function narrateProgress(ctx: Ctx): () => void {
  const weightsTold = new Set<number>();
  let lastStep = '';
  let lastAnalysis = '';
  let greenServed = false;
  return () => {
    const d = canaryOf(ctx);
    const c = d?.canary;
    if (!d || !c) return;
    const step = canaryStepText(d) ?? '';
    if (step !== lastStep && d.result === 'InProgress' && !weightsTold.has(c.weight)) {
      weightsTold.add(c.weight);
      ctx.say(c.weight === 0 ? `canary ${step}: green grows first, blue keeps serving 100 % until green serves` : `canary ${step}`);
    }
    lastStep = step;
    const measured = c.analysedAt?.weight;
    if (measured !== undefined && !weightsTold.has(measured)) {
      weightsTold.add(measured);
      ctx.say(`canary step ${c.analysedAt!.step} of ${c.steps}, weight ${measured} %`);
    }
    const served = d.timeline?.find((p) => p.greenInService > 0);
    if (!greenServed && served) {
      greenServed = true;
      ctx.say(`green ${d.green?.group ?? ''} passes the ELB health check: ${served.greenInService} InService beside blue`);
    }
    const analysis = canaryAnalysisText(d) ?? '';
    if (analysis && analysis !== lastAnalysis) ctx.say(`analysis: ${analysis}`);
    lastAnalysis = analysis;
  };
}

/** The ELB's InService instances and the AMI each runs. */
function servingAmis(ctx: Ctx): string[] {
  const lb = ctx.world.sim.loadBalancer(LB) as { instances: Record<string, { state: string; drainingUntil?: number }> } | undefined;
  const ami = new Map(ctx.world.sim.instances().map((i) => [i.id, i.imageId]));
  return Object.entries(lb?.instances ?? {}).filter(([, r]) => r.state === 'InService' && r.drainingUntil === undefined).map(([id]) => ami.get(id) ?? '?');
}

export const canaryChapter: Step = {
  title: 'a canary of a build that passes health checks but serves 5xx is stopped by its analysis',
  async run(ctx) {
    switchToCanary(path.join(ctx.world.manifestDir, 'fleet.yaml'));
    await sendMerge(ctx, { commit: 'c0ffee00aa11bb22cc33dd44ee55ff6677889900', title: `${FLEET}: canary with analysis`, project: 'shop/fleet-manifests' });
    const switched = await waitFor(ctx, () => status(ctx)?.spec.strategy === 'canary', 10 * 60_000);
    check(switched, `the fleet's strategy is ${status(ctx)?.spec.strategy}, not canary, after the manifest merge`);
    ctx.say(`the daemon reloaded the manifests: spec.deploy.${CANARY_DEPLOY[0]}, steps ${STEPS}, analysis default (ELB 5xx count, 5xx rate, p99 latency)`);

    ctx.world.sim.setBuildResult(METRICS_BAD_COMMIT, { ok: true, errorRate: ERROR_RATE });
    const blueAmi = status(ctx)?.ami;
    const before = ctx.world.sim.inServiceCount(LB);
    await sendMerge(ctx, { commit: METRICS_BAD_COMMIT, title: 'Checkout: one-page checkout' });
    ctx.say(`its AMI boots and answers /health_check.php, but ${ERROR_RATE * 100} % of its checkouts fail with a 5xx`);
    const narrate = narrateProgress(ctx);
    const done = deployed(ctx, METRICS_BAD_COMMIT, 'canary');
    const { value: ok, lowest } = await lowestServing(ctx, () => waitFor(ctx, () => (narrate(), done()), 2 * 3600_000, 10_000));

    const d = canaryOf(ctx);
    check(ok && d?.result === 'RolledBack' && d.reason === 'AnalysisFailed', `the canary ended ${d?.result ?? 'never'}${d?.reason ? ` (${d.reason})` : ''}, not RolledBack (AnalysisFailed)`);
    check((d!.timeline ?? []).some((p) => p.greenInService > 0), 'green never served: health checks, not analysis, stopped it');
    check(lowest >= before, `InService fell to ${lowest} during the canary (desired ${before})`);
    const serving = servingAmis(ctx);
    check(serving.length >= before && serving.every((a) => a === blueAmi), `the ELB serves ${serving.join(', ') || 'nothing'}, not only blue's ${blueAmi}`);
    const event = status(ctx)?.events.filter((e: FleetEvent) => e.reason === 'AnalysisFailed').pop();
    check(!!event, 'no AnalysisFailed event recorded');
    ctx.say(`event: ${event!.type} ${event!.reason} ${event!.message}`);
    const at = d!.canary?.analysedAt;
    return `aborted by analysis at step ${at?.step ?? '?'} of ${d!.canary?.steps ?? '?'} (weight ${at?.weight ?? '?'} %); weight back to 0, ${d!.green?.group ?? 'green'} deleted; blue (${blueAmi}) serves 100 % on ${serving.length} instances, never fewer than ${before}`;
  },
};

/**
 * `drover rollout status <fleet>`, like kubectl: one progress line for the phase the deployment
 * is in, then a final line; the exit code says how it ended (undefined while it runs).
 */
import type { DeploymentSide, DeploymentStatus } from '../model/fleet-status';
import { formatDuration } from '../util/clock';
import { deploymentFleet, elapsedSeconds, shortCommit, timeoutText } from './format';

export interface RolloutOptions {
  now: Date;
  /** Fleet name for the final line; defaults to the deployment's own. */
  fleet?: string;
}

const BAKE_STEPS: Record<string, string> = {
  findExistingImage: 'looking for an image already baked from this commit',
  launchBuilder: 'launching the builder instance',
  waitBuilderStopped: 'waiting for the builder to finish the build',
  readResult: 'reading the build result',
  createImage: 'creating the image',
  waitImageAvailable: 'waiting for the image to become available',
  terminateBuilder: 'terminating the builder',
};

function count(x: DeploymentSide | undefined, what: string): string {
  return x ? `${x.inService} of ${x.desired} instances ${what}` : 'no instances yet';
}

function group(x: DeploymentSide | undefined): string {
  return x ? x.group : '(not created yet)';
}

type PhaseLine = (d: DeploymentStatus) => string;

const PHASE_LINES: Record<string, PhaseLine> = {
  createLaunchTemplateVersion: (d) => `Creating launch template version for ${d.toAmi ?? 'the new image'}`,
  createGreenGroup: (d) => `Creating green ${group(d.green)}`,
  attachGreen: (d) => `Attaching green ${group(d.green)} to the load balancer`,
  waitGreenHealthy: (d) => `Waiting for green ${group(d.green)}: ${count(d.green, 'InService')}`,
  deregisterBlue: (d) => `Taking blue ${group(d.blue)} out of the load balancer: ${count(d.green, 'InService')} in green`,
  drainBlue: (d) => `Draining blue ${group(d.blue)}: ${count(d.blue, 'still InService')}`,
  soak: (d) => `Soaking green ${group(d.green)}: ${count(d.green, 'InService')}, watching alarms`,
  movePolicies: (d) => `Moving scaling policies to green ${group(d.green)}`,
  scaleBlueToZero: (d) => `Scaling blue ${group(d.blue)} to 0`,
  keepPrevious: (d) => `Keeping blue ${group(d.blue)} at 0 for a fast undo`,
  deleteBlue: (d) => `Deleting blue ${group(d.blue)}`,
  restoreBlue: (d) => `Rolling back (${d.reason ?? 'requested'}): restoring blue ${group(d.blue)}`,
  waitBlueHealthy: (d) => `Rolling back: waiting for blue ${group(d.blue)}: ${count(d.blue, 'InService')}`,
  detachGreen: (d) => `Rolling back: detaching green ${group(d.green)}`,
  deleteGreen: (d) => `Rolling back: deleting green ${group(d.green)}`,
  prepare: (d) => `Creating launch template version for ${d.toAmi ?? 'the new image'}`,
  startInstanceRefresh: (d) => `Starting rolling update of ${group(d.green ?? d.blue)}`,
  waitRefresh: (d) => `Waiting for rolling update of ${group(d.green ?? d.blue)}: ${count(d.green ?? d.blue, 'InService')}`,
  startRollbackRefresh: (d) => `Rolling back (${d.reason ?? 'requested'}): starting refresh of ${group(d.green ?? d.blue)}`,
  waitRollbackRefresh: (d) => `Rolling back: waiting for ${group(d.green ?? d.blue)}: ${count(d.green ?? d.blue, 'InService')}`,
  // Rollout controls: what holds, and the command that lets it go on.
  paused: (d) => d.kind === 'rolling'
    ? `Paused between batches: rolling update of ${group(d.green ?? d.blue)}, ${count(d.green ?? d.blue, 'InService')}; 'drover rollout resume ${deploymentFleet(d)}' goes on`
    : `Paused before cut-over: green ${group(d.green)} ${count(d.green, 'InService')}, blue ${group(d.blue)} still serves; 'drover rollout resume ${deploymentFleet(d)}' goes on`,
  held: (d) => `Held before the next step (${/inconclusive/.test(d.message ?? '') ? 'analysis inconclusive' : 'paused by an operator'}); 'drover rollout resume ${deploymentFleet(d)}' goes on, 'promote' skips the remaining pauses`,
  suspendRefresh: (d) => `Pausing rolling update of ${group(d.green ?? d.blue)} after the batch in flight`,
  resumeRefresh: (d) => `Resuming rolling update of ${group(d.green ?? d.blue)}`,
  resumeForRollback: (d) => `Rolling back (${d.reason ?? 'requested'}): resuming the paused rolling update of ${group(d.green ?? d.blue)} first`,
};

/** `step 2 of 5, weight 25 % (1 of 4 instances ≈ 25 %)`, or undefined when not a canary. */
export function canaryStepText(d: DeploymentStatus): string | undefined {
  const c = d.canary;
  if (!c) return undefined;
  const share = c.desired > 0 && c.greenServing !== undefined ? Math.round((c.greenServing / c.desired) * 100) : undefined;
  const approx = c.approximate && share !== undefined ? ` (${c.greenServing} of ${c.desired} instances ≈ ${share} %)` : '';
  return `step ${c.step} of ${c.steps}, weight ${c.weight} %${approx}${c.cutOver ? ', cut over' : ''}`;
}

/** `fail at step 3 (pause): 5xx-rate fail: green 10 > max 1 (2 failures > limit 1); …`, or undefined before any analysis. */
export function canaryAnalysisText(d: DeploymentStatus): string | undefined {
  const c = d.canary;
  if (!c?.verdict) return undefined;
  const at = c.analysedAt ? ` at step ${c.analysedAt.step} (${c.analysedAt.phase})` : '';
  const checks = (c.analysis ?? []).map((k) => `${k.name} ${k.verdict}: ${k.message}`).join('; ');
  return `${c.verdict}${at}${checks ? `: ${checks}` : ''}`;
}

function progressText(d: DeploymentStatus, fleet: string): string {
  const bake = BAKE_STEPS[d.phase];
  if (d.kind === 'bake' || bake) return `Baking commit ${shortCommit(d.commit)} for "${fleet}": ${bake ?? d.phase}`;
  const line = PHASE_LINES[d.phase];
  const text = line ? line(d) : `Waiting for deployment "${fleet}": phase ${d.phase}`;
  const canary = canaryStepText(d);
  if (!canary) return text;
  const analysis = canaryAnalysisText(d);
  return `${text}; canary ${canary}${analysis ? `; analysis ${analysis}` : ''}`;
}

function finalLine(d: DeploymentStatus, fleet: string): string {
  const why = [d.reason, d.message].filter(Boolean).join(': ') || 'no reason recorded';
  if (d.result === 'Succeeded') return d.kind === 'bake' ? `bake for "${fleet}" succeeded: ${d.toAmi ?? 'image ready'}` : `deployment "${fleet}" successfully rolled out`;
  const unnamed = (d.failingInstanceIds ?? []).filter((id) => !why.includes(id));
  const failing = unnamed.length ? ` (failing instances: ${unnamed.join(', ')})` : '';
  if (d.result === 'RolledBack') return `deployment "${fleet}" rolled back: ${why}${failing}`;
  return `deployment "${fleet}" failed: ${why}${failing}`;
}

/** One line, newline-terminated: the current progress, or how the deployment ended. */
export function renderRolloutStatus(deployment: DeploymentStatus, opts: RolloutOptions): string {
  const fleet = opts.fleet ?? deploymentFleet(deployment);
  if (deployment.result !== 'InProgress') return `${finalLine(deployment, fleet)}\n`;
  const times = [`elapsed ${formatDuration(elapsedSeconds(deployment, opts.now))}`, timeoutText(deployment, opts.now)].filter(Boolean).join(', ');
  return `${progressText(deployment, fleet)} (${times})...\n`;
}

/** 0 when it succeeded, 1 when it failed or rolled back, undefined while it runs. */
export function rolloutExitCode(deployment: DeploymentStatus): 0 | 1 | undefined {
  if (deployment.result === 'InProgress') return undefined;
  return deployment.result === 'Succeeded' ? 0 : 1;
}

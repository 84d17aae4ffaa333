import { listOwnedFleets, OwnershipCache } from '../providers/observe';
import { ensureEventQueue } from '../providers/events/ensure-queue';
import { FleetReconciler, type FleetPass } from '../controllers/fleet/reconciler';
import type { DeploymentDecision } from '../controllers/fleet/deployment-decision';
import type { ConvergeResult } from '../controllers/fleet/converge';
import { writeFleetStatus } from '../controllers/fleet/status-writer';
import type { Logger } from '../log/logger';
import type { DesiredFleet } from '../model/fleet';
import type { DeploymentStatus } from '../model/fleet-status';
import { isReportOnly, type PlanStep } from '../model/plan';
import type { AnyStateStore } from '../state/store-of';
import { FileStatusStore } from '../status/status-store';
import { formatDuration } from '../util/clock';
import { openRuntime, type Runtime } from './runtime';
import { assertWritableStateDir, probeWritableStateDir } from './state-dir';
import { otherHolder } from './state-lock';
import { flush } from '../util/virtual-drive';

export interface FleetRunReport {
  fleet: string;
  /** Plan: the steps planned. Apply: every step applied, across all passes. */
  steps: PlanStep[];
  /** Steps reported, not executed (a pending deployment, a taken name). */
  pending: PlanStep[];
  calls: { read: number; mutating: number };
  ready: boolean;
  failed?: string;
  /** The deployment this run started, resumed or watched, as it last stood. */
  deployment?: DeploymentStatus;
  /** Plan: the deployment apply would start or continue next (the reconciler's decision). */
  decision?: DeploymentDecision;
  /** A deployment left running when the command returned (it resumes on the next apply or in the daemon). */
  inProgress?: string;
  /** The wait stopped on SIGINT/SIGTERM; the fleet as it last stood. */
  interrupted?: boolean;
  inService?: number;
  desired?: number;
}

export interface RunOptions {
  stateDir: string;
  logger: Logger;
  global: { sim?: boolean };
  apply: boolean;
  wait: boolean;
  /** Undefined: long enough for the longest deployment the fleet's manifest allows, plus 30 minutes. */
  timeoutSeconds?: number;
  fresh: boolean;
  progress(line: string): void;
  /** Deployment results that count as success (default: Succeeded; `rollout undo` also accepts RolledBack). */
  okResults?: string[];
  /** A deployment the plan wants but drover refuses (its AMI was rolled back) fails the run; default true. */
  failOnBlocked?: boolean;
  /** Also delete the fleets drover owns in the account (by tag) that `fleets` does not declare. */
  prune?: boolean;
  /** Called once with the reconciler before the first pass (e.g. to request a bake). */
  before?: (reconciler: FleetReconciler) => void | Promise<void>;
  /** The state store (`--state dynamodb://T`); default the local store of `stateDir`. */
  state?: AnyStateStore;
  /** Stop waiting (after the current pass) once this has seen SIGINT/SIGTERM. */
  interrupt?: { readonly signal: string | undefined };
}

/** Plan or apply each fleet in turn; with `wait`, keep reconciling (and deploying) until converged or timed out. */
export async function runFleets(fleets: DesiredFleet[], opts: RunOptions): Promise<FleetRunReport[]> {
  // plan takes no lock; while another drover writes the state directory, it writes nothing there either.
  const readOnly = !opts.apply && otherHolder(opts.stateDir) !== undefined;
  if (opts.apply) assertWritableStateDir(opts.stateDir);
  else if (!readOnly) probeWritableStateDir(opts.stateDir);
  const runtime = openRuntime({ sim: !!opts.global.sim, stateDir: opts.stateDir, region: fleets[0]?.region, logger: opts.logger, fresh: opts.fresh, readOnly: !opts.apply });
  const reconciler = new FleetReconciler({ ...runtime, logger: opts.logger, ownershipCache: new OwnershipCache(), ...(opts.state ? { state: opts.state } : {}) });
  runtime.settle = () => reconciler.runner.quiesce(flush);
  await opts.before?.(reconciler);
  const reports: FleetRunReport[] = [];
  try {
    if (opts.prune) fleets = [...fleets, ...(await undeclaredFleets(fleets, runtime, opts.logger))];
    for (const fleet of fleets) {
      if (opts.interrupt?.signal) break;
      reports.push(opts.apply ? await applyFleet(fleet, runtime, reconciler, opts) : await planFleet(fleet, runtime, reconciler, { ...opts, readOnly }));
    }
  } finally {
    await reconciler.close();
    if (!readOnly) runtime.save();
  }
  return reports;
}

/**
 * The fleets drover owns in the account that `declared` does not name, as deletions
 * (spec.deletion: true): only their name and load balancer matter to observing them.
 */
async function undeclaredFleets(declared: DesiredFleet[], rt: Runtime, logger: Logger): Promise<DesiredFleet[]> {
  const template = declared[0];
  if (!template) return [];
  const names = new Set(declared.map((f) => f.name));
  const owned = await listOwnedFleets(rt.clients, { logger, sleep: rt.sleep });
  return owned
    .filter((o) => !names.has(o.name))
    .map((o) => {
      const { storage: _s, scaling: _c, events: _e, manifestIssue: _i, ...base } = template;
      const source = { file: `(not declared in ${declared.map((f) => f.source.file).filter((f, i, a) => a.indexOf(f) === i).join(', ')}; --prune)`, line: 1 };
      return { ...base, name: o.name, source, loadBalancer: { ...template.loadBalancer, name: o.loadBalancerName ?? o.name }, deletion: true };
    });
}

/** What apply's next pass would do, from the reconciler's own decision (FleetReconciler.preview). */
async function planFleet(fleet: DesiredFleet, rt: Runtime, reconciler: FleetReconciler, opts: RunOptions & { readOnly: boolean }): Promise<FleetRunReport> {
  const before = rt.clients.calls.totals();
  const { result, decision } = await reconciler.preview(fleet);
  if (!opts.readOnly) await writeFleetStatus(new FileStatusStore(opts.state ?? opts.stateDir), fleet, result, rt.clock.now());
  const report = emptyReport(fleet);
  const held = decision?.action === 'continue';
  const deploys = decision?.action === 'rollout' || decision?.action === 'blocked';
  report.steps = held ? [] : result.plan.steps.filter((s) => !isReportOnly(s));
  report.pending = result.plan.steps.filter(isReportOnly).filter((s) => s.kind !== 'startDeployment' || deploys);
  if (decision) report.decision = decision;
  report.ready = result.readiness.ready;
  if (result.failed) report.failed = result.failed.error.message;
  report.calls = callsSince(rt, before);
  return report;
}

/** A plan with something for apply to do: a step, or a deployment to start or continue. */
export function hasChanges(r: FleetRunReport): boolean {
  const a = r.decision?.action;
  return r.steps.length > 0 || a === 'rollout' || a === 'bake' || a === 'recoverSwap' || a === 'continue';
}

async function applyFleet(fleet: DesiredFleet, rt: Runtime, reconciler: FleetReconciler, opts: RunOptions): Promise<FleetRunReport> {
  const before = rt.clients.calls.totals();
  // The fleet's event queue and its dead-letter queue (redrive after 5 receives) belong to the fleet too.
  if (fleet.events?.queue && !fleet.deletion) await ensureEventQueue(rt.clients, fleet.events.queue, { logger: opts.logger });
  const started = rt.clock.nowMs();
  const timeoutSeconds = opts.timeoutSeconds ?? defaultWaitSeconds(fleet);
  const report = emptyReport(fleet);
  let lastLine = '';
  let ended: string | undefined;
  for (;;) {
    const pass = await reconciler.reconcile(fleet);
    record(report, pass, opts.failOnBlocked ?? true);
    report.inService = pass.result.readiness.inService;
    report.desired = pass.result.readiness.desired;
    if (opts.interrupt?.signal) {
      report.interrupted = true;
      break;
    }
    if (opts.wait) lastLine = printProgress(opts, fleet.name, rt.clock.nowMs() - started, pass, lastLine);
    const deploying = pass.deployment?.result === 'InProgress';
    // A deployment that ended during this pass gets one more pass before we stop: the decision it
    // leads to (a bake's rollout) and a fresh look at the world come after it, not before.
    const endedNow = !deploying && !!pass.deployment && pass.deployment.id !== ended;
    if (endedNow) ended = pass.deployment!.id;
    const settled = !deploying && !endedNow && (!!pass.blocked || (report.ready && !pass.result.pendingDeployment));
    // A paused swap waits for `drover rollout resume`: nothing to wait for here.
    const paused = deploying && pass.deployment!.phase === 'paused';
    if (!opts.wait || report.failed || settled || paused) {
      if (paused) report.inProgress = `${pass.deployment!.kind} ${pass.deployment!.id} is paused before cut-over (green healthy, blue serving); 'drover rollout resume ${fleet.name}' lets it go on`;
      else if (deploying) report.inProgress = `${pass.deployment!.kind} ${pass.deployment!.id} is in phase ${pass.deployment!.phase}; it continues with 'drover apply --wait' or under the daemon`;
      break;
    }
    if (rt.clock.nowMs() - started >= timeoutSeconds * 1000) {
      report.failed = `timed out after ${formatDuration(timeoutSeconds)} waiting for fleet ${fleet.name}: ${pass.deployment?.message ?? pass.result.readiness.message}`;
      break;
    }
    if (!endedNow) await rt.sleep(pass.requeueAfterMs);
  }
  const d = report.deployment;
  if (!report.failed && d && d.result !== 'InProgress' && !(opts.okResults ?? ['Succeeded']).includes(d.result)) {
    report.failed = `${d.kind} ${d.id} ${d.result}${d.reason ? ` (${d.reason})` : ''}: ${d.message ?? ''}`;
  }
  report.calls = callsSince(rt, before);
  return report;
}

/** A bake, then a swap through every wait the manifest sets, plus 30 minutes for everything else. */
export function defaultWaitSeconds(fleet: DesiredFleet): number {
  const d = fleet.deploy;
  const swap = d.healthyTimeoutSeconds + fleet.loadBalancer.connectionDrainingSeconds + d.soakSeconds + d.keepPreviousSeconds;
  return 1800 + (fleet.image.bake?.timeoutSeconds ?? 0) + swap;
}

function emptyReport(fleet: DesiredFleet): FleetRunReport {
  return { fleet: fleet.name, steps: [], pending: [], calls: { read: 0, mutating: 0 }, ready: false };
}

function callsSince(rt: Runtime, before: { read: number; mutating: number }) {
  const after = rt.clients.calls.totals();
  return { read: after.read - before.read, mutating: after.mutating - before.mutating };
}

function record(report: FleetRunReport, pass: FleetPass, failOnBlocked: boolean): void {
  const r: ConvergeResult = pass.result;
  report.steps.push(...r.applied.map((a) => a.step));
  report.pending = r.plan.steps.filter(isReportOnly).filter((s) => !(s.kind === 'startDeployment' && pass.deployment?.result === 'InProgress'));
  report.ready = r.readiness.ready;
  // The status file is shared: another process's deployment there is not this run's to report.
  const deployment = pass.deployment ?? (pass.status.deployment?.id === report.deployment?.id ? pass.status.deployment : undefined);
  if (deployment) report.deployment = deployment;
  if (r.failed) report.failed = r.failed.error.message;
  else if (pass.blocked && failOnBlocked) report.failed = pass.blocked;
  // Launches that cannot succeed end the wait with AWS's reason (a deployment handles its own).
  else if (r.readiness.reason === 'LaunchFailed' && pass.deployment?.result !== 'InProgress') report.failed = r.readiness.message;
}

function printProgress(opts: RunOptions, fleet: string, elapsedMs: number, pass: FleetPass, last: string): string {
  const body = progressBody(fleet, pass);
  if (body !== last) opts.progress(`[+${formatDuration(elapsedMs / 1000).padStart(6)}] ${body}`);
  return body;
}

function progressBody(fleet: string, pass: FleetPass): string {
  const r = pass.result;
  const d = pass.deployment;
  if (d?.result === 'InProgress') {
    const sides = d.green && d.blue ? `  blue ${d.blue.inService}/${d.blue.desired}  green ${d.green.inService}/${d.green.desired} InService` : `  ${r.readiness.inService}/${r.readiness.desired} InService`;
    return `${fleet}  Progressing ${d.kind} ${d.phase}${sides}  ${d.message ?? ''}`.trimEnd();
  }
  const phase = r.failed || pass.blocked ? 'Failed' : r.readiness.ready ? 'Ready' : 'Progressing';
  const why = r.failed ? r.failed.error.message : (pass.blocked ?? r.waiting?.reason ?? r.readiness.message);
  const applied = r.applied.length ? `applied ${r.applied.length} step${r.applied.length === 1 ? '' : 's'}; ` : '';
  return `${fleet}  ${phase.padEnd(11)} ${r.readiness.inService}/${r.readiness.desired} InService  ${applied}${why}`;
}

import { reconcileFleet, type ReconcileResult } from '../controller/reconcile';
import { writeFleetStatus } from '../controller/status-writer';
import { FileStatusStore } from '../status/status-store';
import type { Logger } from '../log/logger';
import type { DesiredFleet } from '../model/fleet';
import { isReportOnly, type PlanStep } from '../model/plan';
import { formatDuration } from '../util/clock';
import { openRuntime, type Runtime } from './runtime';
import { OwnershipCache } from '../cloud/observe';

export interface FleetRunReport {
  fleet: string;
  /** Plan: the steps planned. Apply: every step applied, across all passes. */
  steps: PlanStep[];
  /** Steps reported, not executed (a pending deployment, a taken name). */
  pending: PlanStep[];
  calls: { read: number; mutating: number };
  ready: boolean;
  failed?: string;
}

export interface RunOptions {
  stateDir: string;
  logger: Logger;
  global: { sim?: boolean };
  apply: boolean;
  wait: boolean;
  timeoutSeconds: number;
  fresh: boolean;
  progress(line: string): void;
}

/** Plan or apply each fleet in turn; with `wait`, keep reconciling until converged or timed out. */
export async function runFleets(fleets: DesiredFleet[], opts: RunOptions): Promise<FleetRunReport[]> {
  const runtime = openRuntime({
    sim: !!opts.global.sim,
    stateDir: opts.stateDir,
    region: fleets[0]?.region,
    logger: opts.logger,
    fresh: opts.fresh,
  });
  const reports: FleetRunReport[] = [];
  try {
    for (const fleet of fleets) reports.push(await runFleet(fleet, runtime, opts));
  } finally {
    runtime.save();
  }
  return reports;
}

async function runFleet(fleet: DesiredFleet, rt: Runtime, opts: RunOptions): Promise<FleetRunReport> {
  const logger = opts.logger; // reconcile binds fleet and component itself
  const before = rt.clients.calls.totals();
  const cache = new OwnershipCache();
  const started = rt.clock.nowMs();
  const report: FleetRunReport = { fleet: fleet.name, steps: [], pending: [], calls: { read: 0, mutating: 0 }, ready: false };
  let lastLine = '';
  for (;;) {
    const deps = { clients: rt.clients, logger, sleep: rt.sleep, ownershipCache: cache, calls: rt.clients.calls };
    const result = await reconcileFleet(fleet, deps, { dryRun: !opts.apply });
    record(report, result, opts.apply);
    writeFleetStatus(new FileStatusStore(opts.stateDir), fleet, result, new Date(rt.clock.nowMs()));
    if (opts.wait) lastLine = printProgress(opts, fleet.name, rt.clock.nowMs() - started, result, lastLine);
    if (!opts.wait || report.failed || report.ready || report.pending.length) break;
    if (rt.clock.nowMs() - started >= opts.timeoutSeconds * 1000) {
      report.failed = `timed out after ${formatDuration(opts.timeoutSeconds)} waiting for fleet ${fleet.name}: ${result.readiness.message}`;
      break;
    }
    await rt.sleep(result.requeueAfterMs ?? 10_000);
  }
  const after = rt.clients.calls.totals();
  report.calls = { read: after.read - before.read, mutating: after.mutating - before.mutating };
  return report;
}

function record(report: FleetRunReport, result: ReconcileResult, apply: boolean): void {
  const executed = apply ? result.applied.map((a) => a.step) : result.plan.steps.filter((s) => !isReportOnly(s));
  report.steps.push(...executed);
  report.pending = result.plan.steps.filter(isReportOnly);
  report.ready = result.readiness.ready;
  if (result.failed) report.failed = result.failed.error.message;
}

function printProgress(opts: RunOptions, fleet: string, elapsedMs: number, r: ReconcileResult, last: string): string {
  const phase = r.failed ? 'Failed' : r.readiness.ready ? 'Ready' : 'Progressing';
  const why = r.failed ? r.failed.error.message : (r.waiting?.reason ?? r.readiness.message);
  const applied = r.applied.length ? `applied ${r.applied.length} step${r.applied.length === 1 ? '' : 's'}; ` : '';
  const body = `${fleet}  ${phase.padEnd(11)} ${r.readiness.inService}/${r.readiness.desired} InService  ${applied}${why}`;
  if (body !== last) opts.progress(`[+${formatDuration(elapsedMs / 1000).padStart(6)}] ${body}`);
  return body;
}

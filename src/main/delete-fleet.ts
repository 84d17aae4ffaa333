/**
 * Deleting a fleet, level-triggered: observe what drover owns for it (by tag), plan the
 * deletions the world allows now (planDeletion, pure), apply them, wait, observe again, until
 * nothing owned is left. A crash or a failed step loses nothing: the next run observes again
 * and carries on. A run against a fleet already gone makes no mutating call.
 */
import { applyPlan } from '../providers/apply';
import { observeFleet, OwnershipCache } from '../providers/observe';
import type { Logger } from '../log/logger';
import type { DesiredFleet } from '../model/fleet';
import type { ObservedFleet } from '../model/observed';
import type { PlanStep } from '../model/plan';
import { isFleetGone, planDeletion } from '../planner/plan-deletion';
import { elbV2DeletionBlocked } from '../planner/plan-deletion-elbv2';
import { formatDuration } from '../util/clock';
import type { Runtime } from './runtime';

/** Between passes: instances drain and terminate, mount targets finish deleting. */
const PASS_WAIT_MS = 10_000;

export interface DeleteOptions {
  logger: Logger;
  /** Shown the first plan; false stops before any change. */
  confirm(steps: PlanStep[], notes: string[]): Promise<boolean>;
  progress(line: string): void;
  /** Give up after this long (virtual time with --sim). */
  timeoutSeconds: number;
  /** Also deregister the fleet's baked images and delete their snapshots, last (`--images`). */
  images?: boolean;
}

export interface DeleteReport {
  fleet: string;
  /** Every step applied, across all passes. */
  applied: PlanStep[];
  /** The first plan, as shown for confirmation. */
  planned: PlanStep[];
  /** What the deletion leaves on purpose, from the last plan (`2 baked images kept; …`). */
  notes: string[];
  calls: { read: number; mutating: number };
  /** Nothing drover owns for the fleet is left (observed after the last step). */
  gone: boolean;
  cancelled?: boolean;
  failed?: string;
}

/** Images the deregisterImage step refused to delete after re-checking the world, with why. */
function keptImages(applied: { step: PlanStep; outcome: { status: string; detail?: Record<string, unknown> } }[]): string[] {
  return applied.flatMap((a) => (a.step.kind === 'deregisterImage' && a.outcome.status === 'done' && a.outcome.detail?.kept ? [String(a.outcome.detail.kept)] : []));
}

async function observe(rt: Runtime, fleet: DesiredFleet, logger: Logger, cache: OwnershipCache): Promise<ObservedFleet> {
  return observeFleet(rt.clients, fleet, { logger, sleep: rt.sleep, cache, lifecycleHooks: true, deleting: true });
}

export async function deleteFleet(fleet: DesiredFleet, rt: Runtime, opts: DeleteOptions): Promise<DeleteReport> {
  const before = rt.clients.calls.totals();
  const report: DeleteReport = { fleet: fleet.name, applied: [], planned: [], notes: [], calls: { read: 0, mutating: 0 }, gone: false };
  const finish = () => {
    const after = rt.clients.calls.totals();
    report.calls = { read: after.read - before.read, mutating: after.mutating - before.mutating };
    return report;
  };
  const cache = new OwnershipCache();
  const ctx = { logger: opts.logger, sleep: rt.sleep, fleet: fleet.name };
  const options = { images: !!opts.images };
  let observed = await observe(rt, fleet, opts.logger, cache);
  const first = planDeletion(observed, options);
  report.planned = first.steps;
  report.notes = first.notes ?? [];
  if (isFleetGone(observed, options)) {
    report.gone = true;
    return finish();
  }
  if (!(await opts.confirm(report.planned, report.notes))) {
    report.cancelled = true;
    return finish();
  }
  const started = rt.clock.nowMs();
  for (;;) {
    const plan = planDeletion(observed, options);
    report.notes = plan.notes ?? [];
    const blocked = plan.steps.length ? [] : elbV2DeletionBlocked(observed);
    if (blocked.length) {
      // Only the user can unblock it: waiting would not change that.
      report.failed = `deleting fleet ${fleet.name}: ${blocked.join('; ')}`;
      return finish();
    }
    const result = await applyPlan(rt.clients, plan, ctx);
    report.applied.push(...result.applied.map((a) => a.step));
    for (const a of result.applied) opts.progress(`${fleet.name}  ${a.step.kind} ${a.step.resource}: ${a.step.reason}`);
    if (result.failed) {
      report.failed = `${result.failed.error.message} (run 'drover delete fleet ${fleet.name}' again to carry on)`;
      return finish();
    }
    const kept = keptImages(result.applied);
    if (kept.length) {
      // The world said no (something outside the fleet still uses it): waiting would not change that.
      report.failed = `deleting fleet ${fleet.name}: ${kept.join('; ')}; kept (delete what uses it, then run it again)`;
      return finish();
    }
    if (rt.clock.nowMs() - started >= opts.timeoutSeconds * 1000) {
      report.failed = `timed out after ${formatDuration(opts.timeoutSeconds)} deleting fleet ${fleet.name}; run it again to carry on`;
      return finish();
    }
    await rt.sleep(result.waiting?.retryAfterMs ?? PASS_WAIT_MS);
    observed = await observe(rt, fleet, opts.logger, cache);
    if (isFleetGone(observed, options)) break;
  }
  report.notes = planDeletion(observed, options).notes ?? [];
  report.gone = true;
  return finish();
}

/**
 * Blue's own scale-out during a swap or canary reaching green, the level-triggered way: each
 * watch of a running deployment compares blue's desired capacity as AWS holds it with what the
 * machine accounts for (its start, the scale-outs taken into its target, those recorded and not
 * yet taken in) and sends the difference as SCALE_OUT; the machine grows green to the new
 * absolute target. Only until the scaling policies move to green: before cut-over, and in the
 * drain and soak after it (blue's alarm may have acted just before cut-over, seen by the next
 * watch; blue's processes are suspended from cut-over on, so its desired capacity then is the
 * fleet's last decision). From movePolicies on green's own policies scale green, so nothing is
 * applied twice. A scale-in of blue sends nothing (green is never shrunk below the start; a
 * rollback keeps blue's size).
 */
import { describePhase, POLICIES_ON_GREEN, statePath } from '../../deploy/machines/phase';
import type { RunningDeployment } from '../../deploy/runner';
import type { Logger } from '../../log/logger';
import { EVENTS } from '../../log/events';
import type { ObservedFleet } from '../../model/observed';

export type ScaleOutSignal = { type: 'SCALE_OUT'; adjustment: number };

interface LiveContext {
  input?: { blueGroup?: unknown; desiredAtStart?: unknown };
  scaleOutApplied?: number;
  pendingScaleOut?: number;
  rollback?: unknown;
}

/** The SCALE_OUT a deployment in this state needs for the world observed, if any. Pure. */
export function scaleOutSignal(kind: string, snapshot: unknown, observed: ObservedFleet | undefined): ScaleOutSignal | undefined {
  if ((kind !== 'swap' && kind !== 'canary') || !observed) return undefined;
  const s = snapshot as { status?: string; value?: unknown; context?: LiveContext } | undefined;
  const c = s?.context;
  if (s?.status !== 'active' || !c || statePath(s.value)[0] !== 'rollout' || c.rollback !== undefined) return undefined;
  if ((POLICIES_ON_GREEN as readonly string[]).includes(describePhase(s).phase)) return undefined;
  const blue = observed.groups.find((g) => g.name === String(c.input?.blueGroup ?? ''));
  if (!blue) return undefined;
  const accounted = Number(c.input?.desiredAtStart ?? 0) + (c.scaleOutApplied ?? 0) + (c.pendingScaleOut ?? 0);
  return blue.desired > accounted ? { type: 'SCALE_OUT', adjustment: blue.desired - accounted } : undefined;
}

/**
 * Send what `scaleOutSignal` says to the running actor. Read from the live actor, not the last
 * saved snapshot, so a signal sent by the previous watch and not yet saved is not sent again.
 */
export function signalScaleOut(running: RunningDeployment, observed: ObservedFleet | undefined, send: (e: ScaleOutSignal) => boolean, logger: Logger): void {
  if (running.result) return;
  const signal = scaleOutSignal(running.kind, running.handle.actor.getSnapshot(), observed);
  if (!signal || !send(signal)) return;
  const blue = String(running.input.blueGroup ?? '');
  logger.info({ event: EVENTS.deployScaleOut, fleet: running.fleet, kind: running.kind, id: running.id, adjustment: signal.adjustment }, `${blue} scaled out by ${signal.adjustment} during the ${running.kind}: green follows before cut-over`);
}

/**
 * `drover rollout pause|resume|promote|abort|retry|undo --to-revision N FLEET`: check the
 * request against the fleet's status (a control with nothing to act on exits 1 and changes
 * nothing), then record it as a fact (controls.ts). With the state directory free, the fact goes
 * into fleet memory under its lock; while a daemon or an apply holds the lock, it goes into
 * `<state-dir>/inbox/`, which the holder's next reconcile of the fleet picks up. With
 * `--state dynamodb://T` the fact goes straight into the fleet's record in the table, written
 * as intake (version-checked, never fenced): the replica that owns the fleet acts on it.
 */
import * as os from 'node:os';
import type { Command } from 'commander';
import { PAUSABLE_PHASES, ROLLING_PAUSABLE, controlReason, describeControl } from '../controllers/fleet/control-apply';
import { ControlInbox, controlFact, controlsOf, withControl, type ControlArgs, type ControlFact, type ControlKind } from '../controllers/fleet/controls';
import { FleetMemoryStore } from '../controllers/fleet/fleet-memory';
import { appendEvent, type FleetStatus } from '../model/fleet-status';
import type { AnyStateStore, FenceFor } from '../state/store-of';
import { revisionOf } from '../status/rollout-history';
import { FileStatusStore } from '../status/status-store';
import { openCliState, sharedState } from './cli-state';
import { commandContext, fleetNotFound, UsageError } from './cli-support';
import { assertWritableStateDir } from './state-dir';
import { otherHolder, StateDirInUse } from './state-lock';

/** Says why nothing can be done: exit 1, nothing recorded. */
class NothingToDo extends Error {}

const NOT_BEFORE_CUTOVER = ['deleteBlue', 'verifyServing'];
/** A swap holds in `paused`, a canary in `held` (by an operator's pause, or by inconclusive analysis). */
const HELD_PHASES = ['paused', 'held'];

function inProgress(status: FleetStatus) {
  const d = status.deployment;
  return d?.result === 'InProgress' ? d : undefined;
}

/** What the request acts on (its deployment and image), or NothingToDo. */
export function target(status: FleetStatus, kind: ControlKind, args: ControlArgs, pending: ControlFact[]): { deployment?: string; args: ControlArgs } {
  const fleet = status.name;
  const d = inProgress(status);
  if (kind === 'retry' || (kind === 'undo' && args.toRevision !== undefined)) {
    if (d) throw new NothingToDo(`${fleet} has a deployment in progress (${d.kind} ${d.id}, phase ${d.phase}); abort it or wait for it to end first`);
    return kind === 'retry' ? retryTarget(status) : revisionTarget(status, args.toRevision!);
  }
  if (!d) throw new NothingToDo(`nothing to ${kind}: ${fleet} has no deployment in progress`);
  if (kind === 'promote' && d.kind !== 'swap' && d.kind !== 'canary') throw new NothingToDo(`promote skips the waits of blue/green swaps and canaries; ${fleet} runs ${d.kind} ${d.id}${d.kind === 'rolling' ? `, which has none ('drover rollout resume ${fleet}' lifts a pause)` : ''}`);
  if (kind === 'pause' && !['swap', 'canary', 'rolling'].includes(d.kind)) throw new NothingToDo(`pause acts on blue/green swaps, canaries and rolling deployments; ${fleet} runs ${d.kind} ${d.id}`);
  if (kind === 'pause' && d.kind === 'rolling' && !ROLLING_PAUSABLE.includes(d.phase)) throw new NothingToDo(`too late to pause: rolling ${d.id} of ${fleet} has replaced every instance (phase ${d.phase})`);
  const pastCutOver = d.kind === 'canary' ? d.canary?.cutOver === true || NOT_BEFORE_CUTOVER.includes(d.phase) : d.kind === 'swap' && !PAUSABLE_PHASES.includes(d.phase);
  if (kind === 'pause' && pastCutOver) throw new NothingToDo(`too late to pause: ${d.kind} ${d.id} of ${fleet} is past cut-over (phase ${d.phase}); 'drover rollout abort ${fleet}' returns traffic to blue`);
  if (kind === 'resume' && !HELD_PHASES.includes(d.phase) && !pending.some((f) => f.kind === 'pause' && f.deployment === d.id)) {
    throw new NothingToDo(`nothing to resume: ${d.kind} ${d.id} of ${fleet} is not paused (phase ${d.phase})`);
  }
  if ((kind === 'abort' || kind === 'undo') && (d.kind === 'bake' || NOT_BEFORE_CUTOVER.includes(d.phase))) {
    throw new NothingToDo(`too late to ${kind}: ${d.kind} ${d.id} of ${fleet} ${d.kind === 'bake' ? 'serves no traffic' : `is deleting blue (phase ${d.phase})`}`);
  }
  return { deployment: d.id, args };
}

function retryTarget(status: FleetStatus): { deployment?: string; args: ControlArgs } {
  const last = status.history.find((h) => h.kind !== 'bake');
  if (!last) throw new NothingToDo(`nothing to retry: ${status.name} has no deployments yet`);
  if (last.result !== 'Failed' && last.result !== 'RolledBack') throw new NothingToDo(`nothing to retry: the last deployment of ${status.name}, ${last.id}, ${last.result}`);
  if (!last.toAmi) throw new NothingToDo(`cannot retry ${last.id}: its image is not recorded`);
  return { deployment: last.id, args: { ami: last.toAmi } };
}

/**
 * The image of each revision that served: every successful deployment's, and the one a swap
 * replaced (its blue group's generation and `fromAmi`), which covers the fleet's creation (revision 1).
 */
export function servedRevisions(status: FleetStatus): Map<number, string> {
  const served = new Map<number, string>();
  const revision = revisionOf(status.history);
  for (const h of [...status.history].reverse()) {
    if (h.kind === 'bake') continue;
    if (h.generation === undefined) {
      // A rolling fleet's rollouts are counted (rollout-history.ts): the first one replaced revision 1.
      const r = revision(h);
      if (r === 2 && h.fromAmi) served.set(1, h.fromAmi);
      if (r !== undefined && h.result === 'Succeeded' && h.toAmi) served.set(r, h.toAmi);
      continue;
    }
    const blue = /-v(\d+)$/.exec(h.blue?.group ?? '');
    if (blue && h.fromAmi && !served.has(Number(blue[1]))) served.set(Number(blue[1]), h.fromAmi);
    if (h.result === 'Succeeded' && h.generation !== undefined && h.toAmi) served.set(h.generation, h.toAmi);
  }
  return served;
}

function revisionTarget(status: FleetStatus, revision: number): { deployment?: string; args: ControlArgs } {
  const served = servedRevisions(status);
  const ami = served.get(revision);
  if (!ami) {
    const valid = [...served.keys()].sort((a, b) => a - b);
    const seen = status.history.find((h) => h.kind !== 'bake' && revisionOf(status.history)(h) === revision);
    const why = seen ? `revision ${revision} of ${status.name} ${seen.result}` : `${status.name} has no revision ${revision}`;
    throw new NothingToDo(`${why}; successful revisions: ${valid.length ? valid.join(', ') : 'none'} (see 'drover rollout history ${status.name}')`);
  }
  if (ami === status.ami) throw new NothingToDo(`nothing to undo: revision ${revision}'s ${ami} already serves ${status.name}`);
  return { deployment: status.history[0]?.id, args: { toRevision: revision, ami } };
}

function requester(): string {
  let user = process.env.USER ?? 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers): $USER
  }
  return `${user}@${os.hostname()}`;
}

/** Record a fact in fleet memory and a status event; `fence` 'intake' for a shared table. */
async function recordIn(state: AnyStateStore | string, fact: ControlFact, fence?: FenceFor): Promise<boolean> {
  let added = false;
  await new FleetMemoryStore(state, fence ? { fence } : {}).update(fact.fleet, (m) => {
    const next = withControl(m, fact);
    added = next.added;
    return next.memory;
  });
  const event = { at: fact.requestedAt, fleet: fact.fleet, type: 'Normal' as const, reason: controlReason(fact.kind, 'Requested'), message: describeControl(fact) };
  if (added) await new FileStatusStore(state, fence ? { fence } : {}).update(fact.fleet, (status) => (status ? appendEvent(status, event) : undefined));
  return added;
}

/** Record a fact where the lock holder will see it: fleet memory when we can take the lock, else the inbox. */
async function record(stateDir: string, fact: ControlFact, shared?: AnyStateStore): Promise<{ via: string; added: boolean }> {
  if (shared) {
    const added = await recordIn(shared, fact, () => 'intake');
    try {
      await shared.nudge?.([fact.fleet]);
      return { via: `the replica that owns fleet ${fact.fleet} acts on it within seconds`, added };
    } catch (err) {
      return { via: `the replica that owns fleet ${fact.fleet} acts on it at its next resync (nudging it failed: ${(err as Error).message})`, added };
    }
  }
  const inbox = new ControlInbox(stateDir);
  const holder = otherHolder(stateDir);
  if (!holder) {
    try {
      assertWritableStateDir(stateDir);
      const added = await recordIn(stateDir, fact);
      return { via: "the daemon (or the next 'drover apply') acts on it", added };
    } catch (err) {
      if (!(err instanceof StateDirInUse)) throw err;
    }
  }
  inbox.put(fact);
  const who = otherHolder(stateDir);
  return { via: `handed over through the inbox to ${who ? `${who.command} (pid ${who.pid})` : 'the process holding the state directory'}, which acts on it at its next reconcile`, added: true };
}

/** What one request came to: a fact recorded (or found already recorded), or why nothing was (exit 1). */
export type ControlResult =
  | { fleet: string; ok: true; fact: ControlFact; recorded: boolean; message: string }
  | { fleet: string; ok: false; message: string };

/** Check and record one control for one fleet; prints nothing (the caller renders the results). */
export async function controlRequest(where: ControlWhere, kind: ControlKind, fleet: string, args: ControlArgs = {}): Promise<ControlResult> {
  if (args.toRevision !== undefined && (!Number.isInteger(args.toRevision) || args.toRevision < 1)) throw new UsageError(`--to-revision: "${args.toRevision}" is not a revision number (see 'drover rollout history ${fleet}')`);
  const statuses = new FileStatusStore(where.shared ?? where.stateDir);
  const status = await statuses.load(fleet);
  if (!status) return { fleet, ok: false, message: fleetNotFound(fleet, (await statuses.list()).map((s) => s.name)) };
  const inbox = new ControlInbox(where.stateDir);
  const known = [...controlsOf(await new FleetMemoryStore(where.shared ?? where.stateDir).load(fleet)), ...(where.shared ? [] : inbox.list(fleet)).map((e) => e.fact)];
  let aim: { deployment?: string; args: ControlArgs };
  try {
    aim = target(status, kind, args, known.filter((f) => !f.appliedAt));
  } catch (err) {
    if (!(err instanceof NothingToDo)) throw err;
    return { fleet, ok: false, message: err.message };
  }
  const { fact, existing } = controlFact(known, { fleet, kind, args: aim.args, ...(aim.deployment ? { deployment: aim.deployment } : {}), requestedAt: new Date().toISOString(), by: requester() });
  if (existing) {
    return { fleet, ok: true, fact, recorded: false, message: `${describeControl(fact)} was already requested at ${fact.requestedAt} (${fact.id}${fact.appliedAt ? `, applied: ${fact.outcome}` : ', not applied yet'}); nothing new recorded` };
  }
  const { via, added } = await record(where.stateDir, fact, where.shared);
  return { fleet, ok: true, fact, recorded: added, message: added ? `${describeControl(fact)} recorded (${fact.id}); ${via}` : `${describeControl(fact)} was already requested; nothing new recorded` };
}

/** Where a control is recorded: the state directory, or the shared table (`--state dynamodb://T`). */
export interface ControlWhere {
  stateDir: string;
  shared?: AnyStateStore;
}

/** The command's state: the table when `--state`/`DROVER_STATE` names one. */
export function controlWhere(cmd: Command): ControlWhere {
  const ctx = commandContext(cmd);
  return sharedState(ctx) ? { stateDir: ctx.stateDir, shared: openCliState(ctx).store } : { stateDir: ctx.stateDir };
}

/**
 * The reconciler's side of rollout controls (controls.ts): move facts handed over in the inbox
 * into fleet memory, then act on the facts not applied yet, once each: pause, resume, promote
 * and abort go to the deployment in progress as machine events; retry and undo --to-revision
 * change which image the next rollout deploys (the normal strategy does the rest). A fact with
 * nothing to act on is marked applied with why, never retried. Every step is a fleet event.
 */
import { describePhase } from '../../deploy/machines/phase';
import type { RunningDeployment } from '../../deploy/runner';
import { EVENTS } from '../../log/events';
import type { DesiredFleet } from '../../model/fleet';
import { appendEvent } from '../../model/fleet-status';
import type { StatusStore } from '../../status/status-store';
import { ControlInbox, markApplied, pendingControls, withControl, type ControlFact } from './controls';
import type { FleetMemory } from './fleet-memory';
import type { FleetScope } from './scope';

/** Swap phases before cut-over, where a pause still holds. */
export const PAUSABLE_PHASES = ['starting', 'createLaunchTemplateVersion', 'createGreenGroup', 'attachGreen', 'waitGreenHealthy', 'paused'];

export function controlReason(kind: string, suffix = ''): string {
  return `Rollout${kind.charAt(0).toUpperCase()}${kind.slice(1)}${suffix}`;
}

export function describeControl(f: ControlFact): string {
  const args = [f.args.full ? '--full' : '', f.args.toRevision !== undefined ? `--to-revision ${f.args.toRevision}` : ''].filter(Boolean).join(' ');
  return `rollout ${f.kind}${args ? ` ${args}` : ''}${f.deployment ? ` of ${f.deployment}` : ''} by ${f.by}`;
}

export class RolloutControls {
  private readonly inbox: ControlInbox;

  constructor(
    private readonly scope: FleetScope,
    private readonly statuses: StatusStore,
  ) {
    this.inbox = new ControlInbox(scope.deps.stateDir);
  }

  /** Facts other processes dropped in the inbox for `fleet`, into memory (then the files go). */
  async ingest(fleet: string): Promise<void> {
    for (const { file, fact } of this.inbox.list(fleet)) {
      let added = false;
      await this.scope.memory.update(fleet, (m) => {
        const next = withControl(m, fact);
        added = next.added;
        return next.memory;
      });
      if (added) await this.event(fleet, 'Normal', controlReason(fact.kind, 'Requested'), `${describeControl(fact)} (handed over in the inbox)`);
      this.inbox.remove(file);
    }
  }

  /**
   * Act on each pending fact; `running`: the deployment in progress, if any. Resolves once what
   * they changed is saved, so the pass that follows reports the deployment as the events left it.
   */
  async apply(fleet: DesiredFleet, running: RunningDeployment | undefined): Promise<void> {
    const pending = pendingControls(await this.scope.memory.load(fleet.name));
    if (!pending.length) return;
    for (const fact of pending) {
      const outcome = fact.kind === 'retry' || (fact.kind === 'undo' && fact.args.toRevision !== undefined) ? await this.redeploy(fleet, fact, running) : this.steer(fact, running);
      // Marked applied only once the machine's snapshot holds what the event changed: a crash in between re-sends it (events are idempotent).
      if (running) await running.handle.idle();
      await this.scope.memory.update(fleet.name, (m) => markApplied(m, fact.id, this.scope.deps.clock.now().toISOString(), outcome.text));
      await this.event(fleet.name, outcome.ok ? 'Normal' : 'Warning', controlReason(fact.kind, outcome.ok ? 'Applied' : 'Skipped'), `${describeControl(fact)}: ${outcome.text}`);
      this.scope.deps.logger.info({ event: EVENTS.rolloutControl, fleet: fleet.name, control: fact.kind, id: fact.id }, `${describeControl(fact)}: ${outcome.text}`);
    }
  }

  /** pause, resume, promote, abort, undo: an event to the deployment in progress. */
  private steer(fact: ControlFact, running: RunningDeployment | undefined): { ok: boolean; text: string } {
    if (!running || running.result) return { ok: false, text: `nothing to ${fact.kind}: no deployment in progress` };
    if (fact.deployment && fact.deployment !== running.id) return { ok: false, text: `deployment ${fact.deployment} is no longer in progress (${running.id} is)` };
    const phase = describePhase(running.lastSnapshot).phase;
    const send = (e: { type: string; [k: string]: unknown }) => this.scope.runner.send(running.fleet, e);
    switch (fact.kind) {
      case 'pause':
        if (running.kind !== 'swap') return { ok: false, text: `pause holds blue/green swaps only; ${running.kind} ${running.id} goes on` };
        if (!PAUSABLE_PHASES.includes(phase)) return { ok: false, text: `too late to pause: ${running.id} is past cut-over (phase ${phase})` };
        send({ type: 'PAUSE' });
        return { ok: true, text: 'the swap holds before cut-over: green healthy, blue still serving' };
      case 'resume':
        send({ type: 'RESUME' });
        return { ok: true, text: `${running.id} goes on` };
      case 'promote':
        if (running.kind !== 'swap') return { ok: false, text: `promote skips the waits of blue/green swaps; ${running.kind} ${running.id} has none` };
        send({ type: 'PROMOTE', full: fact.args.full === true });
        send({ type: 'POLL' });
        return { ok: true, text: fact.args.full ? 'every remaining wait is skipped' : 'the current (or next) wait is skipped' };
      default:
        if (running.kind === 'bake') return { ok: false, text: `bake ${running.id} has no traffic to return` };
        send({ type: fact.kind === 'abort' ? 'ABORT' : 'UNDO' });
        return { ok: true, text: `${running.id} rolls back: blue returns to full capacity and serves before green goes` };
    }
  }

  /** retry, undo --to-revision: the next rollout deploys `fact.args.ami` (not blocked by an earlier failure). */
  private async redeploy(fleet: DesiredFleet, fact: ControlFact, running: RunningDeployment | undefined): Promise<{ ok: boolean; text: string }> {
    const ami = fact.args.ami;
    if (!ami) return { ok: false, text: 'the request names no image' };
    if (running && !running.result) return { ok: false, text: `${running.kind} ${running.id} is in progress; ask again when it ends` };
    await this.scope.memory.update(fleet.name, (m) => retarget(m, fleet, ami));
    const what = fact.kind === 'retry' ? `retrying ${ami}` : `deploying revision ${fact.args.toRevision}'s ${ami}`;
    return { ok: true, text: `${what} with the ${fleet.deploy.strategy} strategy` };
  }

  private async event(fleet: string, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const at = this.scope.deps.clock.now().toISOString();
    await this.statuses.update(fleet, (status) => (status ? appendEvent({ ...status, updatedAt: at }, { at, fleet, type, reason, message }) : undefined));
  }
}

/** Memory whose next rollout deploys `ami`: its failures forgotten, and a target standing in for the manifest's AMI. */
export function retarget(m: FleetMemory, fleet: DesiredFleet, ami: string): FleetMemory {
  const failed = m.failed.filter((f) => f.ami !== ami);
  const pinnedAmi = fleet.image.ami;
  return { ...m, failed, target: { ami, ...(pinnedAmi ? { pinnedAmi } : {}) } };
}

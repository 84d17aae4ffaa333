/**
 * The per-fleet pending-bake register. A storm of merges must not become a storm of bakes:
 * at most one bake is in flight per fleet, and after it only the NEWEST requested commit waits.
 * Newest means what the branch holds now: the push chain (a push from `before` to `after`
 * says `before` is no longer the head) and otherwise the order received. Commit timestamps
 * are never compared: authors' clocks, rebases and cherry-picks make them lie.
 * A new head that arrives while a bake runs replaces the pending one (coalescing); it is
 * never dropped. Duplicates (same commit, same SQS message) change nothing.
 * Pure functions over JSON-serialisable state, so the register can be persisted as is.
 */

export interface BakeCommitRequest {
  commit: string;
  /** Event time, ISO-8601 (informational: never used to order commits). */
  at: string;
  /** Order received, across the register. */
  seq: number;
  messageId?: string;
}

export interface FleetBakeQueue {
  inFlight?: BakeCommitRequest;
  pending?: BakeCommitRequest;
  /** Recent SQS message ids already counted (bounded). */
  seenMessageIds: string[];
  /** Recent commits already counted (bounded): a commit seen again is a duplicate. */
  seenCommits?: string[];
  /** Recent commits a push moved the branch past (its `before`), bounded: never the head again. */
  superseded?: string[];
}

export interface BakeRegister {
  seq: number;
  fleets: Record<string, FleetBakeQueue>;
}

export interface BakeRequestInput {
  commit: string;
  at: string;
  messageId?: string;
  /** For a push: the head the branch moved from. */
  before?: string;
}

/** What the fleet currently runs. */
export interface DeployedCommit {
  commit: string;
  at: string;
}

export type BakeRequestOutcome = 'queued' | 'replaced' | 'duplicate' | 'already-deployed' | 'superseded';

export interface BakeRequestResult {
  register: BakeRegister;
  outcome: BakeRequestOutcome;
  reason: string;
}

/** How many message ids and commits each fleet remembers for duplicate detection. */
const MAX_SEEN = 200;

export function emptyBakeRegister(): BakeRegister {
  return { seq: 0, fleets: {} };
}

export function fleetBakes(register: BakeRegister, fleet: string): FleetBakeQueue {
  return register.fleets[fleet] ?? { seenMessageIds: [] };
}

function withFleet(register: BakeRegister, fleet: string, queue: FleetBakeQueue, seq = register.seq): BakeRegister {
  return { seq, fleets: { ...register.fleets, [fleet]: queue } };
}

function remember(list: string[] | undefined, item: string | undefined): string[] {
  const now = list ?? [];
  if (!item || now.includes(item)) return now;
  return [...now, item].slice(-MAX_SEEN);
}

function withoutPending(queue: FleetBakeQueue): FleetBakeQueue {
  const { pending: _dropped, ...rest } = queue;
  return rest;
}

const isZero = (commit: string | undefined) => !commit || /^0+$/.test(commit);

export function requestBake(register: BakeRegister, fleet: string, input: BakeRequestInput, deployed?: DeployedCommit): BakeRequestResult {
  const queue = fleetBakes(register, fleet);
  const short = input.commit.slice(0, 12);
  if (input.messageId && queue.seenMessageIds.includes(input.messageId)) {
    return { register, outcome: 'duplicate', reason: `${short}: message ${input.messageId} was already counted` };
  }
  const before = isZero(input.before) || input.before === input.commit ? undefined : input.before;
  const superseded = remember(queue.superseded, before);
  const base: FleetBakeQueue = { ...queue, seenMessageIds: remember(queue.seenMessageIds, input.messageId), ...(superseded.length ? { superseded } : {}) };
  const seq = register.seq + 1;
  const pending = queue.pending;
  // A push that moved the branch past the pending commit makes that commit moot.
  const movedPast = !!pending && pending.commit !== input.commit && superseded.includes(pending.commit);
  const settle = (outcome: BakeRequestOutcome, reason: string, next: FleetBakeQueue = base): BakeRequestResult => ({
    register: withFleet(register, fleet, next, seq),
    outcome,
    reason: `${short}: ${reason}`,
  });
  const dropNote = movedPast ? `; drops pending ${pending.commit.slice(0, 12)}: a push moved the branch past it` : '';
  const kept = movedPast ? withoutPending(base) : base;
  if (superseded.includes(input.commit)) return settle('superseded', 'a push already moved the branch past it');
  if (queue.inFlight?.commit === input.commit) return settle('duplicate', `already baking${dropNote}`, kept);
  if (pending?.commit === input.commit) return settle('duplicate', 'already pending');
  if (deployed?.commit === input.commit) return settle('already-deployed', `already deployed${dropNote}`, kept);
  if (queue.seenCommits?.includes(input.commit) && !movedPast) return settle('duplicate', 'already requested');
  const req: BakeCommitRequest = { commit: input.commit, at: input.at, seq, ...(input.messageId ? { messageId: input.messageId } : {}) };
  const next: FleetBakeQueue = { ...base, pending: req, seenCommits: remember(queue.seenCommits, input.commit) };
  if (!pending) return settle('queued', queue.inFlight ? `pending after ${queue.inFlight.commit.slice(0, 12)}, which is baking` : 'pending', next);
  const why = movedPast ? `a push moved the branch from it to ${short}` : 'received later';
  return settle('replaced', `replaces pending ${pending.commit.slice(0, 12)} (${why})`, next);
}

/** Move the pending commit in flight, if nothing is baking. */
export function startBake(register: BakeRegister, fleet: string): { register: BakeRegister; started?: BakeCommitRequest } {
  const queue = fleetBakes(register, fleet);
  if (queue.inFlight || !queue.pending) return { register };
  const { pending, ...rest } = queue;
  return { register: withFleet(register, fleet, { ...rest, inFlight: pending }), started: pending };
}

/** The in-flight bake of `commit` ended (success or failure); a different commit changes nothing. */
export function finishBake(register: BakeRegister, fleet: string, commit: string): BakeRegister {
  const queue = fleetBakes(register, fleet);
  if (queue.inFlight?.commit !== commit) return register;
  const { inFlight: _done, ...rest } = queue;
  return withFleet(register, fleet, rest);
}

/** Drop a pending commit that became moot (e.g. the deployed commit moved past it). */
export function dropPending(register: BakeRegister, fleet: string): BakeRegister {
  const queue = fleetBakes(register, fleet);
  if (!queue.pending) return register;
  const { pending: _dropped, ...rest } = queue;
  return withFleet(register, fleet, rest);
}

/**
 * The per-fleet pending-bake register. A storm of merges must not become a storm of bakes:
 * at most one bake is in flight per fleet, and after it only the NEWEST requested commit waits
 * (by event time, then by order received). Duplicates (same commit, same SQS message) change
 * nothing, and nothing older than the deployed commit is ever requested.
 * Pure functions over JSON-serialisable state, so the register can be persisted as is.
 */

export interface BakeCommitRequest {
  commit: string;
  /** Event time, ISO-8601. */
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
}

export interface BakeRegister {
  seq: number;
  fleets: Record<string, FleetBakeQueue>;
}

export interface BakeRequestInput {
  commit: string;
  at: string;
  messageId?: string;
}

/** What the fleet currently runs, and when that commit was made/merged. */
export interface DeployedCommit {
  commit: string;
  at: string;
}

export type BakeRequestOutcome =
  | 'queued'
  | 'replaced'
  | 'duplicate'
  | 'already-deployed'
  | 'older-than-deployed'
  | 'older-than-in-flight'
  | 'older-than-pending';

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

function timeOf(at: string): number {
  const ms = Date.parse(at);
  return Number.isFinite(ms) ? ms : 0;
}

/** Is `a` newer than `b`: later event time, or the same time and received later. */
function isNewer(a: BakeCommitRequest, b: BakeCommitRequest): boolean {
  const ta = timeOf(a.at);
  const tb = timeOf(b.at);
  return ta > tb || (ta === tb && a.seq > b.seq);
}

function withFleet(register: BakeRegister, fleet: string, queue: FleetBakeQueue, seq = register.seq): BakeRegister {
  return { seq, fleets: { ...register.fleets, [fleet]: queue } };
}

export function requestBake(register: BakeRegister, fleet: string, input: BakeRequestInput, deployed?: DeployedCommit): BakeRequestResult {
  const queue = fleetBakes(register, fleet);
  const short = input.commit.slice(0, 12);
  const unchanged = (outcome: BakeRequestOutcome, reason: string): BakeRequestResult => ({ register, outcome, reason: `${short}: ${reason}` });
  if (input.messageId && queue.seenMessageIds.includes(input.messageId)) return unchanged('duplicate', `message ${input.messageId} was already counted`);
  if (queue.inFlight?.commit === input.commit) return unchanged('duplicate', 'already baking');
  if (queue.pending?.commit === input.commit) return unchanged('duplicate', 'already pending');
  if (deployed?.commit === input.commit) return unchanged('already-deployed', 'already deployed');
  if (queue.seenCommits?.includes(input.commit)) return unchanged('duplicate', 'already requested');
  const seq = register.seq + 1;
  const req: BakeCommitRequest = { commit: input.commit, at: input.at, seq, ...(input.messageId ? { messageId: input.messageId } : {}) };
  const seen = input.messageId ? [...queue.seenMessageIds, input.messageId].slice(-MAX_SEEN) : queue.seenMessageIds;
  const seenCommits = [...(queue.seenCommits ?? []), input.commit].slice(-MAX_SEEN);
  const counted = (outcome: BakeRequestOutcome, reason: string, next: Partial<FleetBakeQueue> = {}): BakeRequestResult => ({
    register: withFleet(register, fleet, { ...queue, ...next, seenMessageIds: seen, seenCommits }, seq),
    outcome,
    reason: `${short}: ${reason}`,
  });
  if (deployed && timeOf(input.at) < timeOf(deployed.at)) return counted('older-than-deployed', `older than deployed ${deployed.commit.slice(0, 12)}`);
  if (queue.inFlight && timeOf(input.at) < timeOf(queue.inFlight.at)) {
    return counted('older-than-in-flight', `older than ${queue.inFlight.commit.slice(0, 12)}, which is baking`);
  }
  if (!queue.pending) return counted('queued', 'pending', { pending: req });
  if (!isNewer(req, queue.pending)) return counted('older-than-pending', `older than pending ${queue.pending.commit.slice(0, 12)}`);
  return counted('replaced', `replaces pending ${queue.pending.commit.slice(0, 12)}`, { pending: req });
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

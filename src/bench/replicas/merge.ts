/**
 * A GitLab merge with many replicas (issue 13, "events with many replicas"): one merge to the
 * repository every harness fleet bakes from is put on the shared queue. Whichever replica
 * receives it records the bake request in each fleet's record; each fleet's owner starts the
 * bake (nudged by the receiver when that is another replica), and no other replica does.
 */
import { createAwsPort } from '../../aws/clients';
import { sqsEventQueue } from '../../providers/events/queue';
import { createSimPlugin } from '../../sim';
import { mergeRequestHook } from '../payloads';
import { REPLICA_QUEUE, REPLICA_REPOSITORY } from './fleets';
import type { ReplicaHarness } from './harness';
import { waitFor } from './time-driver';

const MERGE_HEADERS = { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' };

export interface MergeOutcome {
  commit: string;
  /** Per fleet: the replica that recorded the request (received the message). */
  receivedBy: Record<string, string>;
  /** Per fleet: the replica that started the bake, and the owner of its shard at that instant. */
  startedBy: Record<string, string>;
  ownerAtStart: Record<string, string>;
  /** Fleets whose request was recorded by a replica that does not own them (the nudge's path). */
  viaNudge: string[];
  /** From sending the message to the last fleet's bake start, virtual seconds. */
  secondsToLastStart: number;
}

export async function mergeReachesOwners(h: ReplicaHarness, commit: string, maxVirtualMs = 5 * 60_000): Promise<MergeOutcome> {
  const fleets = h.fleets.filter((f) => f.bakeRepository === REPLICA_REPOSITORY).map((f) => f.name);
  if (!fleets.length) throw new Error('no harness fleet bakes: start the harness with { bake: true }');
  const since = h.nowMs();
  const sqs = sqsEventQueue(createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(h.sim) }).sqs);
  const path = REPLICA_REPOSITORY.replace(/^git@[^:]+:/, '').replace(/\.git$/, '');
  await sqs.send(await sqs.resolveUrl(REPLICA_QUEUE), JSON.stringify(mergeRequestHook({ mergeCommit: commit, iid: 1, path })), MERGE_HEADERS);
  const ownerAtStart: Record<string, string> = {};
  const started = await waitFor(h.sim, `every fleet's owner to start baking ${commit.slice(0, 12)}`, () => {
    const firsts = fleets.map((f) => [f, h.firstEvent(['bake.started'], f, since)] as const);
    for (const [f, first] of firsts) if (first && !ownerAtStart[f]) ownerAtStart[f] = h.ownerOf(f)?.label ?? '-';
    return firsts.every(([, first]) => first) ? firsts.map(([f, first]) => [f, first!] as const) : undefined;
  }, { maxVirtualMs });
  const receivedBy: Record<string, string> = {};
  for (const r of h.replicas) for (const l of r.lines) if (l.atMs >= since && l.event === 'bake.requested' && l.fleet && !receivedBy[l.fleet]) receivedBy[l.fleet] = r.label;
  const startedBy = Object.fromEntries(started.map(([f, first]) => [f, first.replica.label]));
  for (const f of fleets) h.deployments.set(f, (h.deployments.get(f) ?? 0) + 1); // each bake ends in a swap: one green more
  return {
    commit,
    receivedBy,
    startedBy,
    ownerAtStart,
    viaNudge: fleets.filter((f) => receivedBy[f] && receivedBy[f] !== startedBy[f]),
    secondsToLastStart: Math.max(...started.map(([, first]) => first.atMs - since)) / 1000,
  };
}

/**
 * Events with many replicas (issue 13): any replica may receive any message. Two daemons in
 * one process share one dynalite table and one simulated account. A merge received by a
 * replica that does not own a fleet is recorded in the fleet's record and nudges the owner;
 * the owner hands the commit to its reconciler within seconds (not at the next resync), and
 * the non-owner never does. The same for a merge that arrives through the real queue,
 * whichever replica receives it: nothing is dead-lettered or left in the queue. A push to the
 * manifest repository handled by one replica makes every replica pull.
 */
import { createAwsPort } from '../src/aws/clients';
import { parseMessage } from '../src/controllers/intake';
import { mergeRequestHook, pushHook } from '../src/bench/payloads';
import { createMemoryLogger } from '../src/log/logger';
import { sqsEventQueue } from '../src/providers/events/queue';
import { createSimPlugin } from '../src/sim';
import { openState } from '../src/state/open';
import { QUEUE } from './daemon-env';
import { useDynalite } from './support/dynalite';
import { startReplicaDaemons } from './support/replica-daemons';

const FLEETS = ['shop', 'cart', 'blog', 'mail'];
const MERGE = { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' };
const MANIFEST_REPO = 'git@gitlab.example.com:shop/fleets.git';
const sha = (n: number) => n.toString(16).padStart(40, 'c');
const merge = (n: number) => JSON.stringify(mergeRequestHook({ mergeCommit: sha(n), iid: n, updatedAt: `2026-01-01 10:0${n}:00 UTC` }));

const db = useDynalite();

it('a merge received by a non-owner reaches the owner through the fleet record and a nudge; only owners bake', async () => {
  const bakes: Array<{ replica: string; fleet: string; sha: string; atMs: number }> = [];
  const pulls: string[] = [];
  const passes: Array<{ replica: string; fleet: string; atMs: number }> = [];
  // Every fleet builds from the same repository and branch: one merge is a bake request for all four.
  const r = await startReplicaDaemons({
    db,
    table: 'replica-intake',
    fleets: FLEETS,
    ids: ['replica-a', 'replica-b'],
    startMs: Date.UTC(2026, 11, 4, 9),
    reconciler: (id, inner, clock) => ({
      reconcile: (fleet) => {
        passes.push({ replica: id, fleet: fleet.name, atMs: clock.nowMs() });
        return inner.reconcile(fleet);
      },
      requestBake: async (fleet, commit) => void bakes.push({ replica: id, fleet: fleet.name, sha: commit.sha, atMs: clock.nowMs() }),
      close: () => inner.close(),
      release: (f) => inner.release(f),
    }),
    options: (id) => ({
      listen: false,
      resyncMs: 30 * 60_000, // a resync never falls inside the few seconds the owner gets to react
      manifestRepo: MANIFEST_REPO,
      git: async (args) => {
        if (args.includes('pull')) pulls.push(id);
        return { stdout: '', stderr: '' };
      },
    }),
  });
  const { env, clock, daemons, loggers, drive, during, dbEnv, location } = r;
  expect(await drive(15 * 60_000, () => daemons.every((d) => d.replicas.leases.owned().length === 4 && d.readiness().ready))).toBe(true);
  // Settle: the fleets are steady, so only an event (or the nudge) brings a pass now.
  await drive(10 * 60_000, undefined, 1_000);
  const quietSince = clock.nowMs() - 60_000;
  expect(passes.filter((p) => p.atMs > quietSince)).toEqual([]);
  const ownerOf = (f: string) => daemons.find((d) => d.replicas.holdsFleet(f))!;
  // Each replica owns some of the fleets and not the others, so each handles both cases below.
  for (const d of daemons) expect(FLEETS.filter((f) => d.replicas.holdsFleet(f)).length).toBeGreaterThan(0);
  const bakedBy = (n: number) => Object.fromEntries(bakes.filter((b) => b.sha === sha(n)).map((b) => [b.fleet, b.replica]));
  const owners = Object.fromEntries(FLEETS.map((f) => [f, ownerOf(f).replicas.id]));

  // Commit 1, handled by replica-a's intake as if it had received the message.
  const parsed = parseMessage(merge(1), { messageId: 'direct-1', headers: MERGE });
  if (!parsed.ok) throw new Error(parsed.reason);
  const handledAt = clock.nowMs();
  const nudges = () => loggers.map((l) => l.events('ownership.fleet_nudged').flatMap((e) => e.fleets as string[]));
  const nudgedBefore = nudges().map((n) => n.length); // alarms of the fleets' scaling policies nudge owners too
  await during(daemons[0].intake.handler(parsed.event, { messageId: 'direct-1', receiptHandle: 'r', body: merge(1), attributes: MERGE, receiveCount: 1 }));
  expect(await drive(60_000, () => Object.keys(bakedBy(1)).length === FLEETS.length)).toBe(true);
  expect(bakedBy(1)).toEqual(owners);
  // The non-owner's fleets were picked up through the nudge within seconds, not at the next resync (5 min).
  const latest = Math.max(...bakes.filter((b) => b.sha === sha(1)).map((b) => b.atMs));
  expect(latest - handledAt).toBeLessThanOrEqual(10_000);
  const nudged = nudges().map((n, i) => n.slice(nudgedBefore[i]).sort());
  expect(nudged).toEqual(daemons.map((d) => (d === daemons[0] ? [] : FLEETS.filter((f) => d.replicas.holdsFleet(f)).sort())));
  // Each fleet's record holds the commit in flight, written by its owner.
  const store = openState(location, { stateDir: r.dirs[1], clock, logger: createMemoryLogger(), env: dbEnv }).store;
  for (const f of FLEETS) expect(((await during(store.read(f))).sections.bakes as { queue: { inFlight?: { commit: string } } }).queue.inFlight?.commit).toBe(sha(1));

  // Commit 2 through the real queue: whichever replica receives it, each fleet's owner gets it once its bake of commit 1 ends.
  const queue = sqsEventQueue(createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(env.sim) }).sqs);
  await during(queue.send(await during(queue.resolveUrl(QUEUE)), merge(2), MERGE));
  expect(await drive(60_000, () => env.sim.peekQueue(QUEUE).length === 0)).toBe(true);
  expect(bakedBy(2)).toEqual({});
  for (const f of FLEETS) await during(ownerOf(f).intake.bakeFinished(f, sha(1)));
  expect(await drive(30_000, () => Object.keys(bakedBy(2)).length === FLEETS.length)).toBe(true);
  expect(bakedBy(2)).toEqual(owners);
  // No replica told its reconciler twice, or of a fleet it does not own; nothing was dead-lettered.
  expect(bakes).toHaveLength(2 * FLEETS.length);
  expect(daemons.map((d) => [d.poller!.stats.failed, d.poller!.stats.commitFailed])).toEqual([[0, 0], [0, 0]]);
  expect(env.sim.peekQueue(`${QUEUE}-dlq`)).toEqual([]);

  // A push to the manifest repository received by one replica: every replica pulls its checkout within seconds.
  const push = parseMessage(JSON.stringify(pushHook({ path: 'shop/fleets', after: sha(9) })), { messageId: 'push-1', headers: { 'X-Gitlab-Event': 'Push Hook', 'drover-source': 'gitlab' } });
  if (!push.ok) throw new Error(push.reason);
  const pullsBefore = pulls.length;
  await during(daemons[1].intake.handler(push.event, { messageId: 'push-1', receiptHandle: 'r', body: '', attributes: {}, receiveCount: 1 }));
  expect(await drive(10_000, () => new Set(pulls.slice(pullsBefore)).size === 2)).toBe(true);

  await r.stop();
}, 120_000);

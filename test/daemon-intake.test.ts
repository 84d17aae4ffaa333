import { RecordRegisterPersistence } from '../src/controllers/intake/bake-register-records';
import { parseMessage } from '../src/controllers/intake';
import { instanceStateChange, lifecycleEventBridge, mergeRequestHook, pushHook } from '../src/bench/payloads';
import { LAUNCHING_HOOK } from '../src/planner/plan-hooks';
import { seededRandom } from '../src/util/backoff';
import { createDaemonEnv, QUEUE, recordingFactory, type DaemonEnv } from './daemon-env';
import { stopAfterEach } from './support/daemon-hooks';
import { localStatusNow } from '../src/status/status-store';

const MERGE = { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' };
const PUSH = { 'X-Gitlab-Event': 'Push Hook', 'drover-source': 'gitlab' };
const sha = (n: number) => n.toString(16).padStart(40, 'a');
const merge = (n: number, o: { target?: string } = {}) =>
  JSON.stringify(mergeRequestHook({ mergeCommit: sha(n), iid: n, updatedAt: `2026-01-01 10:${String(n).padStart(2, '0')}:00 UTC`, target: o.target }));

describe('drover daemon: events from the queue', () => {
  let env: DaemonEnv;
  stopAfterEach(() => env);

  const start = async (onBake?: Parameters<typeof recordingFactory>[0], options = {}) => {
    const rec = recordingFactory(onBake);
    env = createDaemonEnv({ options: { reconcilerFactory: rec.factory, ...options } });
    await env.daemon.start();
    return rec;
  };
  const queueEmpty = () => env.sim.peekQueue(QUEUE).length === 0;

  it('a relayed merge asks the reconciler to bake exactly that commit, records it, then deletes the message', async () => {
    const rec = await start();
    const { messageId } = await env.send(merge(1), MERGE);
    expect(await env.drive(60_000, () => rec.get().bakes.length > 0 && queueEmpty())).toBe(true);
    expect(rec.get().bakes).toEqual([{ fleet: 'shop', sha: sha(1), at: '2026-01-01T10:01:00.000Z', messageId }]);
    const register = await new RecordRegisterPersistence(env.stateDir).read();
    expect(register.fleets.shop.inFlight).toMatchObject({ commit: sha(1), messageId });
    expect(env.logger.events('bake.requested')[0]).toMatchObject({ fleet: 'shop', outcome: 'queued', component: 'intake' });
  });

  it('50 merges in mixed order with duplicates: the first is baked, then only the last new head received', async () => {
    const rec = await start();
    const rand = seededRandom(3);
    const order = Array.from({ length: 25 }, (_, i) => i + 1).sort(() => rand() - 0.5);
    // The first message must not be the newest, or there is nothing left to coalesce.
    if (order[0] === 25) order.push(order.shift()!);
    const messages = [...order, ...order.map((n) => order[(n * 7) % order.length])];
    for (const n of messages) await env.send(merge(n), MERGE);
    expect(messages).toHaveLength(50);
    expect(await env.drive(10 * 60_000, () => queueEmpty() && env.daemon.poller!.stats.handled >= 50)).toBe(true);
    const first = sha(order[0]);
    expect(rec.get().bakes.map((b) => b.sha)).toEqual([first]);
    // Receipt order, not the merges' timestamps, says which head is newest.
    const counted = env.logger.events('bake.requested').filter((r) => r.outcome === 'queued' || r.outcome === 'replaced');
    expect(counted).toHaveLength(25);
    const last = counted[counted.length - 1].commit as string;
    await rec.get().ctx.bakeFinished('shop', first);
    expect(rec.get().bakes.map((b) => b.sha)).toEqual([first, last]);
    await rec.get().ctx.bakeFinished('shop', last);
    expect(rec.get().bakes).toHaveLength(2);
  });

  it('a merge into another branch, or a push to an unknown repository, bakes nothing and is deleted', async () => {
    const rec = await start();
    await env.send(merge(2, { target: 'develop' }), MERGE);
    await env.send(JSON.stringify(pushHook({ path: 'other/thing' })), PUSH);
    // Only this test's two messages: the converging fleet's own events (alarms, hooks) also arrive.
    const routed = () => env.logger.events('intake.routed').filter((r) => r.kind === 'merge_requested' || r.kind === 'push_received');
    expect(await env.drive(60_000, () => routed().length === 2 && queueEmpty())).toBe(true);
    expect(rec.get().bakes).toEqual([]);
    expect(routed().map((r) => r.action)).toEqual(['ignore', 'ignore']);
  });

  it('poison messages go to the dead-letter queue after 5 receives while the daemon keeps serving', async () => {
    const rec = await start();
    await env.send('{not json');
    await env.send(JSON.stringify({ hello: 'world' }));
    await env.drive(3 * 60_000);
    await env.send(merge(3), MERGE);
    expect(await env.drive(10 * 60_000, () => env.sim.peekQueue(`${QUEUE}-dlq`).length === 2 && queueEmpty())).toBe(true);
    expect(rec.get().bakes.map((b) => b.sha)).toEqual([sha(3)]);
    expect(env.logger.events('intake.message_rejected').length).toBeGreaterThanOrEqual(10);
    const metrics = (await env.get('/metrics')).text;
    expect(metrics).toMatch(/drover_messages_total\{kind="unparsed",outcome="rejected"\} (\d+)/);
    expect(metrics).toMatch(/drover_messages_total\{kind="merge_requested",outcome="bake"\} 1/);
  });

  it('the relay mounted at /hooks/gitlab queues an authenticated merge, refuses a wrong token and a 1 MB body', async () => {
    const rec = await start(undefined, { webhookToken: 's3cret' });
    const post = (body: string, token: string) =>
      env.get('/hooks/gitlab', { method: 'POST', body, headers: { 'X-Gitlab-Token': token, 'X-Gitlab-Event': 'Merge Request Hook', 'content-type': 'application/json' } });
    expect((await post(merge(4), 'wrong')).status).toBe(401);
    const huge = JSON.stringify({ ...mergeRequestHook(), padding: 'x'.repeat(1024 * 1024) });
    expect((await post(huge, 's3cret')).status).toBe(413);
    // Should a 1 MB body reach the queue some other way, the parser refuses it before JSON.parse.
    expect(parseMessage(huge, { messageId: 'm-1', headers: MERGE })).toMatchObject({ ok: false, ignored: false, reason: expect.stringContaining('over the 262144-byte limit') });
    const retry = (n: number) =>
      env.get('/hooks/gitlab', {
        method: 'POST',
        body: merge(n),
        headers: { 'X-Gitlab-Token': 's3cret', 'X-Gitlab-Event': 'Merge Request Hook', 'Idempotency-Key': 'delivery-5', 'content-type': 'application/json' },
      });
    expect((await retry(5)).status).toBe(202);
    // GitLab retries the same delivery with the same Idempotency-Key: acknowledged, not queued again.
    expect((await retry(5)).status).toBe(200);
    expect(env.sim.peekQueue(QUEUE).length).toBeLessThanOrEqual(1);
    expect(await env.drive(60_000, () => rec.get().bakes.length > 0 && queueEmpty())).toBe(true);
    expect(rec.get().bakes.map((b) => b.sha)).toEqual([sha(5)]);
    expect(env.logger.events('relay.queued')).toHaveLength(1);
    expect(env.logger.events('relay.duplicate')).toHaveLength(1);
  });

  it('a push to the manifest repository pulls and reloads the manifests; a failing pull is kept, not fatal', async () => {
    let fail = false;
    const git = async (args: string[]) => {
      if (fail && args.includes('pull')) throw new Error('fatal: Not possible to fast-forward, aborting.');
      return { stdout: args.includes('get-url') ? 'git@gitlab.example.com:ops/fleets.git\n' : 'Updating 1..2\n', stderr: '' };
    };
    await start(undefined, { git });
    await env.send(JSON.stringify(pushHook({ path: 'ops/fleets', ref: 'refs/heads/master' })), PUSH);
    expect(await env.drive(60_000, () => env.logger.events('manifests.git_pulled').length === 1)).toBe(true);
    fail = true;
    await env.send(JSON.stringify(pushHook({ path: 'ops/fleets', ref: 'refs/heads/master', after: sha(9) })), PUSH);
    expect(await env.drive(60_000, () => env.logger.events('manifests.git_pull_failed').length === 1)).toBe(true);
    const manifests = JSON.parse((await env.get('/api/v1/manifests')).text);
    expect(manifests.gitError).toContain('Not possible to fast-forward');
    expect(manifests.fleets.map((f: any) => f.name)).toEqual(['shop']);
    expect((await env.get('/healthz')).status).toBe(200);
  });

  const idle = () => {
    const m = env.daemon.loop.queue.metrics();
    return m.depth === 0 && m.processing === 0;
  };
  const statusEvents = () => localStatusNow(env.stateDir, 'shop')?.events ?? [];

  it('a squash merge bakes the squash commit; a merge naming no commit waits for the push, never baking the source head', async () => {
    const rec = await start();
    expect(await env.drive(60_000, () => !!localStatusNow(env.stateDir, 'shop'))).toBe(true);
    const squash = mergeRequestHook({ mergeCommit: null, squashCommit: sha(31), lastCommit: sha(30), iid: 31 });
    await env.send(JSON.stringify(squash), MERGE);
    expect(await env.drive(60_000, () => rec.get().bakes.length === 1 && queueEmpty())).toBe(true);
    expect(rec.get().bakes.map((b) => b.sha)).toEqual([sha(31)]);
    expect(env.logger.events('bake.requested')[0]).toMatchObject({ commit: sha(31), commitSource: 'squash_commit_sha', outcome: 'queued' });
    await rec.get().ctx.bakeFinished('shop', sha(31));
    // A fast-forward merge of an older GitLab: no merge_commit_sha, no squash_commit_sha.
    const ff = mergeRequestHook({ mergeCommit: null, lastCommit: sha(40), iid: 40 }) as any;
    delete ff.object_attributes.merge_commit_sha;
    await env.send(JSON.stringify(ff), MERGE);
    expect(await env.drive(60_000, () => env.logger.events('bake.awaiting_push').length === 1 && queueEmpty())).toBe(true);
    expect(rec.get().bakes).toHaveLength(1);
    await env.send(JSON.stringify(pushHook({ before: sha(31), after: sha(41) })), PUSH);
    expect(await env.drive(60_000, () => rec.get().bakes.length === 2 && queueEmpty())).toBe(true);
    expect(rec.get().bakes.map((b) => b.sha)).toEqual([sha(31), sha(41)]);
    expect(rec.get().bakes.map((b) => b.sha)).not.toContain(sha(40));
    // `drover events` shows each decision on the fleet.
    const reasons = statusEvents().map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['BakeQueued', 'MergeAwaitingPush']));
    expect(statusEvents().find((e) => e.reason === 'MergeAwaitingPush')?.message).toContain('waiting for the push to master');
  });

  it('a push whose head carries an older author timestamp, after a newer bake, is baked next (push order, not timestamps)', async () => {
    const rec = await start();
    await env.send(JSON.stringify(pushHook({ before: sha(50), after: sha(51), timestamp: '2026-03-01T12:00:00+00:00' })), PUSH);
    expect(await env.drive(60_000, () => rec.get().bakes.length === 1 && queueEmpty())).toBe(true);
    // A rebase or cherry-pick keeps an old author date: the branch still moved to sha(52).
    await env.send(JSON.stringify(pushHook({ before: sha(51), after: sha(52), timestamp: '2025-06-01T12:00:00+00:00' })), PUSH);
    expect(await env.drive(60_000, () => env.logger.events('bake.requested').length === 2 && queueEmpty())).toBe(true);
    expect(env.logger.events('bake.requested')[1]).toMatchObject({ commit: sha(52), before: sha(51), outcome: 'queued' });
    await rec.get().ctx.bakeFinished('shop', sha(51));
    expect(rec.get().bakes.map((b) => b.sha)).toEqual([sha(51), sha(52)]);
  });

  it('EC2 state changes reconcile the owning fleet or are deleted; a lifecycle event from another region is dropped with a warning; none is dead-lettered', async () => {
    const rec = await start();
    const run = await env.testClients.ec2.RunInstances({
      ImageId: 'ami-0a1b2c3d4e5f60001',
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      SubnetId: 'subnet-0a1b2c3d4e5f60001',
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'drover:fleet', Value: 'shop' }] }],
    });
    const owned = run.Instances![0].InstanceId!;
    expect(await env.drive(60_000, () => rec.get().reconciles.length > 0 && idle())).toBe(true);
    const before = rec.get().reconciles.length;
    // Lifecycle actions of the fleet's own launches (hooks from birth) may already have been handled.
    const handledBefore = env.daemon.poller!.stats.handled;
    await env.send(JSON.stringify(instanceStateChange(owned, 'stopped')));
    await env.send(JSON.stringify(instanceStateChange('i-0123456789abcdef0', 'terminated')));
    await env.send(JSON.stringify({ ...lifecycleEventBridge('EC2 Instance-launch Lifecycle Action', 'shop-v002'), region: 'us-west-2' }));
    expect(await env.drive(60_000, () => env.daemon.poller!.stats.handled === handledBefore + 3 && queueEmpty())).toBe(true);
    // Only the owned instance's event enqueued the fleet (well before the next resync).
    expect(await env.drive(5_000, () => rec.get().reconciles.length === before + 1)).toBe(true);
    expect(env.logger.events('intake.instance_changed').map((r) => [r.instanceId, r.fleet, r.level])).toEqual([
      [owned, 'shop', 'info'],
      ['i-0123456789abcdef0', undefined, 'debug'],
    ]);
    const dropped = env.logger.events('intake.dropped');
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ level: 'warn', region: 'us-west-2' });
    expect(String(dropped[0].msg)).toContain('region us-west-2');
    await env.drive(10 * 60_000);
    expect(env.sim.peekQueue(`${QUEUE}-dlq`)).toHaveLength(0);
    expect(env.daemon.poller!.stats.rejected).toBe(0);
    const metrics = (await env.get('/metrics')).text;
    expect(metrics).toMatch(/drover_messages_total\{kind="lifecycle_action",outcome="drop"\} 1/);
    expect(metrics).toMatch(/drover_messages_total\{kind="instance_state_changed",outcome="instance"\} 2/);
  });

  it('a lifecycle action for a group that does not exist is dropped with a warning saying so, and deleted', async () => {
    await start();
    const body = lifecycleEventBridge('EC2 Instance-launch Lifecycle Action', 'shop-v009');
    body.detail.LifecycleHookName = LAUNCHING_HOOK;
    await env.send(JSON.stringify(body));
    expect(await env.drive(60_000, () => env.logger.events('intake.dropped').length === 1 && queueEmpty())).toBe(true);
    const dropped = env.logger.events('intake.dropped');
    expect(dropped).toEqual([expect.objectContaining({ level: 'warn', group: 'shop-v009', fleet: 'shop' })]);
    expect(String(dropped[0].msg)).toContain('the group does not exist');
    // The converging fleet's own group (shop-v001) may get its hooks' actions; shop-v009 none.
    expect(env.logger.events('lifecycle.action_received').filter((e) => e.group === 'shop-v009')).toEqual([]);
  });
});

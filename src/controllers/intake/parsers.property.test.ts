/**
 * Properties of the intake: parseMessage is total (any body, any metadata, any mutation of a
 * real GitLab, lifecycle or alarm message gives a well-formed ParseResult and never throws), and
 * routing only bakes for a real merge (action `merge`) into, or a push to, a fleet's bake branch
 * of the fleet's repository; and a real one does bake exactly that commit.
 */
import fc from 'fast-check';
import type { ControllerEvent, ParseResult } from '../../model/events';
import { parseMessage, type MessageMeta } from './parsers/parse-message';
import { routeEvent, type FleetRoute } from './route';
import { alarmEvent, instanceStateChange, lifecycleEventBridge, lifecycleNotification, lifecycleTestNotification, mergeRequestHook, pushHook } from '../../bench/payloads';

const RUNS = { seed: 31337, numRuns: 300 };

interface Project {
  host: string;
  path: string;
}
const PROJECTS: Project[] = [
  { host: 'gitlab.example.com', path: 'shop/magento' },
  { host: 'gitlab.example.com', path: 'shop/wordpress' },
  { host: 'git.corp.local', path: 'shop/magento' },
  { host: 'gitlab.example.com', path: 'platform/shop/magento' },
  { host: 'gitlab.example.com', path: 'ops/fleets' },
];
const BRANCHES = ['master', 'main', 'release', 'develop', 'release/2.4', 'Main'];
const FLEETS = ['shop', 'shop-admin', 'blog', 'api', 'web'];

/** The ways a manifest or a webhook names a project. */
const FORMS = {
  ssh: (p: Project) => `git@${p.host}:${p.path}.git`,
  http: (p: Project) => `https://${p.host}/${p.path}.git`,
  web: (p: Project) => `https://${p.host}/${p.path}`,
  path: (p: Project) => p.path,
  sshUrl: (p: Project) => `ssh://git@${p.host}:22/${p.path}.git`,
  shouting: (p: Project) => `https://${p.host.toUpperCase()}/${p.path}.git/`,
};
type Form = keyof typeof FORMS;
const formArb = fc.constantFrom(...(Object.keys(FORMS) as Form[]));

interface Fleet {
  route: FleetRoute;
  project?: Project;
}

const fleetsArb: fc.Arbitrary<Fleet[]> = fc.subarray(FLEETS, { minLength: 1 }).chain((names) =>
  fc.tuple(
    ...names.map((name) =>
      fc.option(fc.record({ project: fc.constantFrom(...PROJECTS), form: formArb, branch: fc.constantFrom(...BRANCHES) }), { nil: undefined, freq: 4 }).map((bake) => ({
        route: { name, ...(bake ? { bakeRepository: FORMS[bake.form](bake.project), bakeBranch: bake.branch } : {}) },
        project: bake?.project,
      })),
    ),
  ),
);

/** A fixture payload moved to `project` (fixtures use gitlab.example.com). */
function onProject<T>(payload: T, project: Project): T {
  return JSON.parse(JSON.stringify(payload).split('gitlab.example.com').join(project.host));
}

const hex = (len: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${len}}$`));
const commitArb = fc.oneof(hex(40), hex(64), hex(40).map((s) => s.toUpperCase()));

const mergeArb = fc
  .record({ project: fc.constantFrom(...PROJECTS), target: fc.constantFrom(...BRANCHES), commit: commitArb, last: commitArb, action: fc.constantFrom('merge', 'merge', 'open', 'reopen', 'close', 'update') })
  .map((m) => onProject(mergeRequestHook({ path: m.project.path, target: m.target, mergeCommit: m.commit, lastCommit: m.last, action: m.action }), m.project));
const pushArb = fc
  .record({ project: fc.constantFrom(...PROJECTS), branch: fc.constantFrom(...BRANCHES), after: commitArb, tag: fc.boolean() })
  .map((p) => onProject(pushHook({ path: p.project.path, after: p.after, ref: `refs/${p.tag ? 'tags' : 'heads'}/${p.branch}` }), p.project));
const awsArb: fc.Arbitrary<object> = fc.oneof(
  fc.constantFrom('autoscaling:EC2_INSTANCE_LAUNCHING', 'autoscaling:EC2_INSTANCE_TERMINATING', 'bogus').map((t) => lifecycleNotification(t, 'shop-v002')),
  fc.constant(lifecycleTestNotification('shop-v001')),
  fc.constantFrom('EC2 Instance-launch Lifecycle Action', 'EC2 Instance-terminate Lifecycle Action', 'EC2 Instance Launch Successful').map((t) => lifecycleEventBridge(t, 'shop-v003')),
  fc.constantFrom('OK', 'ALARM', 'INSUFFICIENT_DATA', 'BROKEN').map((s) => alarmEvent('shop-cpu-high', s)),
  fc.constant({ AlarmName: 'shop-cpu-high', NewStateValue: 'ALARM', OldStateValue: 'OK', NewStateReason: 'x', StateChangeTime: '2026-01-01T00:00:00.000+0000' }),
  fc.constantFrom('pending', 'running', 'stopped', 'terminated', 'melting').map((s) => instanceStateChange('i-0a1b2c3d4e5f60718', s)),
);

/** Every path to a value inside `v`. */
function paths(v: unknown, at: string[] = []): string[][] {
  if (v === null || typeof v !== 'object') return [at];
  return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
}

type Mutation = { how: 'drop' | 'set'; pick: number; value: unknown } | { how: 'branch' | 'action' | 'kind' | 'ref'; value: string };
const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ how: fc.constantFrom('drop' as const, 'set' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({ how: fc.constant('branch' as const), value: fc.oneof(fc.constantFrom(...BRANCHES), fc.string()) }),
  fc.record({ how: fc.constant('action' as const), value: fc.oneof(fc.constantFrom('merge', 'MERGE', 'merge ', 'merged', 'open', 'approved'), fc.string()) }),
  fc.record({ how: fc.constant('kind' as const), value: fc.oneof(fc.constantFrom('merge_request', 'push', 'tag_push', 'note', 'pipeline'), fc.string()) }),
  fc.record({ how: fc.constant('ref' as const), value: fc.oneof(fc.constantFrom('refs/heads/', 'refs/tags/master', 'master', 'refs/heads/main'), fc.string()) }),
);

function mutate(payload: object, changes: Mutation[]): any {
  const p: any = structuredClone(payload);
  for (const m of changes) {
    const attrs = p && typeof p.object_attributes === 'object' && p.object_attributes ? p.object_attributes : undefined;
    if (m.how === 'drop' || m.how === 'set') {
      const all = paths(p).filter((x) => x.length);
      if (!all.length) continue;
      const path = all[m.pick % all.length];
      const parent = path.slice(0, -1).reduce((o, k) => o?.[k], p);
      if (parent && typeof parent === 'object') {
        if (m.how === 'drop') delete parent[path[path.length - 1]];
        else parent[path[path.length - 1]] = m.value;
      }
    }
    if (m.how === 'branch' && attrs) [attrs.target_branch, attrs.source_branch] = [m.value, attrs.target_branch];
    if (m.how === 'action' && attrs) attrs.action = m.value;
    if (m.how === 'kind') p.object_kind = m.value;
    if (m.how === 'ref') p.ref = m.value;
  }
  return p;
}

type Delivery = 'raw' | 'header' | 'envelope' | 'sns' | 'wrongHeader';
const deliveryArb = fc.constantFrom<Delivery>('raw', 'header', 'envelope', 'sns', 'wrongHeader');

/** The SQS body and metadata that carry `payload`. */
function deliver(payload: unknown, how: Delivery, messageId: string): { body: string; meta: MessageMeta } {
  const kind = (payload as { object_kind?: unknown })?.object_kind;
  const event = kind === 'push' ? 'Push Hook' : 'Merge Request Hook';
  if (how === 'header') return { body: JSON.stringify(payload), meta: { messageId, headers: { 'x-gitlab-event': event, 'drover-source': 'gitlab' } } };
  if (how === 'wrongHeader') return { body: JSON.stringify(payload), meta: { messageId, headers: { 'X-Gitlab-Event': 'Pipeline Hook' } } };
  if (how === 'envelope') return { body: JSON.stringify({ source: 'gitlab', headers: { 'X-Gitlab-Event': event }, body: payload }), meta: { messageId } };
  if (how === 'sns') return { body: JSON.stringify({ Type: 'Notification', Message: JSON.stringify(payload) }), meta: { messageId } };
  return { body: JSON.stringify(payload), meta: { messageId, sentTimestampMs: Date.UTC(2026, 0, 1) } };
}

const KINDS = new Set(['merge_requested', 'push_received', 'merge_request_opened', 'lifecycle_action', 'lifecycle_test_notification', 'alarm_state_changed', 'instance_state_changed']);

/** A ParseResult is well formed: an event of a known kind that survives JSON with an ISO time, or a failure with a reason. */
function checkResult(r: ParseResult, messageId: unknown): void {
  expect(typeof r.ok).toBe('boolean');
  if (r.ok) {
    expect(KINDS.has(r.event.kind)).toBe(true);
    expect(JSON.parse(JSON.stringify(r.event))).toEqual(r.event);
    expect(new Date(r.event.at).toISOString()).toBe(r.event.at);
    return;
  }
  expect(typeof r.reason === 'string' && r.reason.length > 0).toBe(true);
  expect(typeof r.ignored).toBe('boolean');
  expect(r.messageId).toBe(typeof messageId === 'string' ? messageId : '');
}

function parseSafely(body: unknown, meta: unknown): ParseResult {
  let result: ParseResult | undefined;
  expect(() => void (result = parseMessage(body as string, meta as MessageMeta))).not.toThrow();
  checkResult(result!, (meta as MessageMeta | undefined)?.messageId);
  return result!;
}

/** Does `payload` name `project` anywhere GitLab puts a project's names? (A necessary condition, by substring.) */
function namesProject(payload: any, project: Project): boolean {
  const holders = [payload?.project, payload?.object_attributes?.target, payload?.repository];
  const names = holders.flatMap((h) => (h && typeof h === 'object' ? Object.values(h) : [])).filter((v): v is string => typeof v === 'string');
  return names.some((n) => n.toLowerCase().includes(project.path.toLowerCase()));
}

/** What may bake `fleet`: the commit a real merge into its branch, or push to it, of its repository brings. */
function bakeableCommit(payload: any, fleet: Fleet): string | undefined {
  const branch = fleet.route.bakeBranch;
  if (!branch || !fleet.project || !namesProject(payload, fleet.project)) return undefined;
  const full = (c: unknown) => (typeof c === 'string' && /^([0-9a-f]{40}|[0-9a-f]{64})$/i.test(c) ? c.toLowerCase() : undefined);
  const a = payload?.object_attributes;
  if (payload?.object_kind === 'merge_request' && a?.action === 'merge' && a?.target_branch === branch) return full(a.merge_commit_sha) ?? full(a.squash_commit_sha);
  if (payload?.object_kind === 'push' && payload?.ref === `refs/heads/${branch}` && !/^0+$/.test(String(payload.after))) return full(payload.after);
  return undefined;
}

function checkRouting(payload: any, event: ControllerEvent, fleets: Fleet[], manifestRepo?: string): void {
  const decision = routeEvent(event, fleets.map((f) => f.route), manifestRepo);
  expect(new Set(decision.fleetKeys).size).toBe(decision.fleetKeys.length);
  if (decision.action !== 'bake') return;
  expect(decision.fleetKeys.length).toBeGreaterThan(0);
  for (const key of decision.fleetKeys) {
    const fleet = fleets.find((f) => f.route.name === key)!;
    expect({ fleet: key, commit: bakeableCommit(payload, fleet) }).toEqual({ fleet: key, commit: decision.commit });
  }
}

describe('intake: parsing is total', () => {
  it('returns a well-formed ParseResult for any JSON, any string and any metadata', () => {
    const meta = fc.record(
      { messageId: fc.oneof(fc.string(), fc.constant(undefined), fc.integer()), headers: fc.dictionary(fc.string(), fc.string()), sentTimestampMs: fc.oneof(fc.integer(), fc.double(), fc.constant(8.64e15)) },
      { requiredKeys: [] },
    );
    const body = fc.oneof(fc.json(), fc.string(), fc.jsonValue().map((v) => JSON.stringify({ source: 'gitlab', body: v })), fc.jsonValue().map((v) => JSON.stringify({ Type: 'Notification', Message: JSON.stringify(v) })), fc.anything());
    fc.assert(fc.property(body, fc.oneof(meta, fc.constant(undefined)), (b, m) => void parseSafely(b, m)), RUNS);
  });

  it('returns a well-formed ParseResult for mutated GitLab, lifecycle and alarm messages in every delivery', () => {
    fc.assert(
      fc.property(fc.oneof(mergeArb, pushArb, awsArb), fc.array(mutationArb, { maxLength: 4 }), deliveryArb, fc.string({ maxLength: 8 }), (payload, changes, how, id) => {
        const { body, meta } = deliver(mutate(payload, changes), how, id);
        parseSafely(body, meta);
      }),
      RUNS,
    );
  });

  it('parses a valid message whatever the metadata says (messageId, headers case, SentTimestamp)', () => {
    const sent = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(8.64e15 + 1, -8.64e15 - 1, 1e300, Number.MAX_VALUE, -0));
    fc.assert(
      fc.property(mergeArb.filter((m) => m.object_attributes.action === 'merge'), sent, fc.string(), (payload, sentTimestampMs, messageId) => {
        const r = parseSafely(JSON.stringify(payload), { messageId, sentTimestampMs });
        expect(r.ok ? r.event.kind : r.reason).toBe('merge_requested');
      }),
      RUNS,
    );
  });
});

describe('intake: routing bakes exactly what a real merge or push asks for', () => {
  it('never bakes anything but a merge into, or a push to, the bake branch of the fleet repository', () => {
    const manifestRepo = fc.option(fc.tuple(fc.constantFrom(...PROJECTS), formArb).map(([p, f]) => FORMS[f](p)), { nil: undefined });
    // Payloads aimed at one of the fleets (its project and branch) more often than not, then mutated.
    const scenario = fleetsArb.chain((fleets) => {
      const aims = fleets.filter((f) => f.project && f.route.bakeBranch);
      const aimed = aims.length
        ? fc.tuple(fc.constantFrom(...aims), commitArb, fc.constantFrom('merge', 'merge', 'open', 'close'), fc.boolean()).map(([f, sha, action, push]) =>
            push
              ? onProject(pushHook({ path: f.project!.path, after: sha, ref: `refs/heads/${f.route.bakeBranch}` }), f.project!)
              : onProject(mergeRequestHook({ path: f.project!.path, target: f.route.bakeBranch, mergeCommit: sha, action }), f.project!),
          )
        : mergeArb;
      const payload = fc.oneof({ weight: 3, arbitrary: aimed }, { weight: 1, arbitrary: fc.oneof(mergeArb, pushArb, awsArb) });
      return fc.tuple(fc.constant(fleets), payload, fc.array(mutationArb, { maxLength: 3 }));
    });
    fc.assert(
      fc.property(scenario, deliveryArb, manifestRepo, ([fleets, payload, changes], how, repo) => {
        const raw = mutate(payload, changes);
        const { body, meta } = deliver(raw, how, 'm');
        const r = parseSafely(body, meta);
        if (r.ok) checkRouting(raw, r.event, fleets, repo);
      }),
      { ...RUNS, numRuns: 500 },
    );
  });

  it('a real merge into the bake branch of the fleet repository (named in any form) bakes exactly that commit, once', () => {
    fc.assert(
      fc.property(fleetsArb, fc.nat(), formArb, commitArb, commitArb, fc.boolean(), deliveryArb.filter((d) => d !== 'wrongHeader'), (fleets, pick, form, sha, last, push, how) => {
        const baking = fleets.filter((f) => f.project && f.route.bakeBranch);
        fc.pre(baking.length > 0);
        const target = baking[pick % baking.length];
        const fleet = { ...target, route: { ...target.route, bakeRepository: FORMS[form](target.project!) } };
        const all = fleets.map((f) => (f.route.name === fleet.route.name ? fleet : f));
        const project = fleet.project!;
        const branch = fleet.route.bakeBranch!;
        const payload = push
          ? onProject(pushHook({ path: project.path, after: sha, ref: `refs/heads/${branch}` }), project)
          : onProject(mergeRequestHook({ path: project.path, target: branch, mergeCommit: sha, lastCommit: last, action: 'merge' }), project);
        const { body, meta } = deliver(payload, how, 'm');
        const r = parseSafely(body, meta);
        if (!r.ok) throw new Error(`a real ${push ? 'push' : 'merge'} was not parsed: ${r.reason}`);
        const decision = routeEvent(r.event, all.map((f) => f.route));
        expect(decision).toMatchObject({ action: 'bake', commit: sha.toLowerCase() });
        expect(decision.fleetKeys.filter((k) => k === fleet.route.name)).toHaveLength(1);
        // Every fleet that bakes this branch of this project, and no other.
        const same = all.filter((f) => f.route.bakeBranch === branch && f.project?.path === project.path && f.project.host === project.host).map((f) => f.route.name);
        const pathOnly = all.filter((f) => f.route.bakeBranch === branch && f.project?.path === project.path && /^[^:@]+$/.test(f.route.bakeRepository ?? '')).map((f) => f.route.name);
        expect([...decision.fleetKeys].sort()).toEqual([...new Set([...same, ...pathOnly])].sort());
      }),
      RUNS,
    );
  });
});

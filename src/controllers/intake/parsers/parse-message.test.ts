import fc from 'fast-check';
import { parseMessage, MAX_MESSAGE_BYTES } from './parse-message';
import {
  alarmEvent,
  instanceStateChange,
  lifecycleEventBridge,
  lifecycleNotification,
  lifecycleTestNotification,
  mergeRequestHook,
  pushHook,
  SHA_A,
  SHA_B,
  ZERO,
} from '../../../bench/payloads';

const GITLAB = (event: string) => ({ messageId: 'm-1', headers: { 'X-Gitlab-Event': event, 'drover-source': 'gitlab' } });
const PLAIN = { messageId: 'm-2', sentTimestampMs: Date.UTC(2026, 0, 5) };

function ok(body: unknown, meta: Parameters<typeof parseMessage>[1] = PLAIN) {
  const r = parseMessage(typeof body === 'string' ? body : JSON.stringify(body), meta);
  if (!r.ok) throw new Error(`expected an event, got failure: ${r.reason}`);
  return r.event;
}

function fail(body: unknown, meta: Parameters<typeof parseMessage>[1] = PLAIN) {
  const r = parseMessage(typeof body === 'string' ? body : JSON.stringify(body), meta);
  if (r.ok) throw new Error(`expected a failure, got ${r.event.kind}`);
  return r;
}

describe('parseMessage: GitLab merge request hook', () => {
  it('turns a merge into merge_requested with every repository form and the merge commit', () => {
    expect(ok(mergeRequestHook(), GITLAB('Merge Request Hook'))).toEqual({
      kind: 'merge_requested',
      repository: {
        pathWithNamespace: 'shop/magento',
        gitSshUrl: 'git@gitlab.example.com:shop/magento.git',
        gitHttpUrl: 'https://gitlab.example.com/shop/magento.git',
        webUrl: 'https://gitlab.example.com/shop/magento',
        defaultBranch: 'master',
      },
      branch: 'master',
      commit: SHA_A,
      commitSource: 'merge_commit_sha',
      mergeRequestIid: 7,
      title: 'Faster checkout',
      author: 'ada',
      url: 'https://gitlab.example.com/shop/magento/-/merge_requests/7',
      at: '2026-01-01T10:00:00.000Z',
    });
  });

  it('never takes last_commit (the source head) when merge_commit_sha is absent: the push will name the head', () => {
    const e = ok(mergeRequestHook({ mergeCommit: null, lastCommit: SHA_B }), GITLAB('Merge Request Hook'));
    expect(e).toMatchObject({ kind: 'merge_requested', mergeRequestIid: 7 });
    expect(e).not.toHaveProperty('commit');
    const older = mergeRequestHook({ lastCommit: SHA_B }) as any;
    delete older.object_attributes.merge_commit_sha; // older GitLab versions omit the field
    expect(ok(older, GITLAB('Merge Request Hook'))).not.toHaveProperty('commit');
  });

  it('takes squash_commit_sha for a squash merge, merge_commit_sha when both are present', () => {
    const squash = ok(mergeRequestHook({ mergeCommit: null, squashCommit: SHA_A, lastCommit: SHA_B }), GITLAB('Merge Request Hook'));
    expect(squash).toMatchObject({ commit: SHA_A, commitSource: 'squash_commit_sha' });
    const both = ok(mergeRequestHook({ mergeCommit: SHA_B, squashCommit: SHA_A }), GITLAB('Merge Request Hook'));
    expect(both).toMatchObject({ commit: SHA_B, commitSource: 'merge_commit_sha' });
    expect(fail(mergeRequestHook({ mergeCommit: null, squashCommit: 'abc' }), GITLAB('Merge Request Hook')).reason).toContain('squash_commit_sha');
  });

  it('records an opened merge request and ignores updates and closes', () => {
    expect(ok(mergeRequestHook({ action: 'open' }), GITLAB('Merge Request Hook'))).toMatchObject({
      kind: 'merge_request_opened',
      iid: 7,
      branch: 'master',
      sourceBranch: 'feature/checkout',
    });
    for (const action of ['update', 'close', 'approved']) {
      const r = fail(mergeRequestHook({ action }), GITLAB('Merge Request Hook'));
      expect(r).toMatchObject({ ignored: true, messageId: 'm-1' });
      expect(r.reason).toContain(action);
    }
  });

  it('rejects wrong types with the field named', () => {
    const bad = mergeRequestHook() as any;
    bad.object_attributes.iid = '7';
    expect(fail(bad, GITLAB('Merge Request Hook')).reason).toContain('iid');
    const noCommit = mergeRequestHook({ mergeCommit: 'abc', lastCommit: 'nope' });
    expect(fail(noCommit, GITLAB('Merge Request Hook')).reason).toContain('merge_commit_sha');
    const noProject = { ...mergeRequestHook(), project: 5, repository: null } as any;
    delete noProject.object_attributes.target;
    expect(fail(noProject, GITLAB('Merge Request Hook')).reason).toContain('path_with_namespace');
    expect(fail(pushHook(), GITLAB('Merge Request Hook')).reason).toContain('object_kind');
  });
});

describe('parseMessage: GitLab push hook', () => {
  it('turns a branch push into push_received with the head commit time', () => {
    expect(ok(pushHook(), GITLAB('Push Hook'))).toMatchObject({
      kind: 'push_received',
      branch: 'master',
      ref: 'refs/heads/master',
      before: SHA_B,
      after: SHA_A,
      author: 'jsmith',
      commitCount: 1,
      at: '2026-01-02T07:00:00.000Z',
      repository: { pathWithNamespace: 'shop/magento' },
    });
  });

  it('ignores a deleted branch and a tag push, each with a reason', () => {
    const deleted = fail(pushHook({ after: ZERO }), GITLAB('Push Hook'));
    expect(deleted).toMatchObject({ ignored: true });
    expect(deleted.reason).toContain('deleted');
    expect(fail(pushHook({ ref: 'refs/tags/v1' }), GITLAB('Push Hook'))).toMatchObject({ ignored: true });
  });

  it('uses the SQS sent time when the push carries no commit timestamp', () => {
    const body = { ...pushHook(), commits: [] };
    expect(ok(body, { ...GITLAB('Push Hook'), sentTimestampMs: Date.UTC(2026, 2, 3) }).at).toBe('2026-03-03T00:00:00.000Z');
  });
});

describe('parseMessage: GitLab transport forms', () => {
  it('accepts the envelope any forwarder may post, without message attributes', () => {
    const envelope = { source: 'gitlab', headers: { 'x-gitlab-event': 'Push Hook' }, body: pushHook() };
    expect(ok(envelope).kind).toBe('push_received');
  });

  it('classifies raw GitLab JSON by object_kind when attributes are missing', () => {
    expect(ok(mergeRequestHook()).kind).toBe('merge_requested');
  });

  it('ignores GitLab events drover does not use', () => {
    const r = fail({ object_kind: 'pipeline', object_attributes: {} }, GITLAB('Pipeline Hook'));
    expect(r).toMatchObject({ ignored: true });
    expect(r.reason).toContain('Pipeline Hook');
  });

  it('rejects an envelope without a body object', () => {
    expect(fail({ source: 'gitlab', headers: {}, body: 'x' }).reason).toContain('envelope');
  });
});

describe('parseMessage: Auto Scaling lifecycle', () => {
  it('parses the direct hook notification', () => {
    expect(ok(lifecycleNotification())).toEqual({
      kind: 'lifecycle_action',
      transition: 'launching',
      groupName: 'magento-v002',
      hookName: 'drover-launch',
      instanceId: 'i-0a1b2c3d4e5f60718',
      token: 'c613620e-07e2-4ed2-a9e2-ef8258911ade',
      at: '2026-01-01T12:00:00.000Z',
      metadata: '{"fleet":"magento"}',
      account: '123456789012',
    });
  });

  it('parses the test notification', () => {
    expect(ok(lifecycleTestNotification())).toEqual({
      kind: 'lifecycle_test_notification',
      groupName: 'magento-v002',
      at: '2026-01-01T11:59:00.000Z',
      region: 'eu-west-1',
      account: '123456789012',
    });
  });

  it('parses the EventBridge lifecycle event and ignores other Auto Scaling events', () => {
    expect(ok(lifecycleEventBridge())).toMatchObject({ kind: 'lifecycle_action', transition: 'terminating', groupName: 'magento-v001', at: '2026-01-01T13:00:00.000Z' });
    expect(fail(lifecycleEventBridge('EC2 Instance Launch Successful'))).toMatchObject({ ignored: true });
  });

  it('rejects an unknown transition and a missing token', () => {
    expect(fail(lifecycleNotification('autoscaling:EC2_INSTANCE_REBOOTING')).reason).toContain('LifecycleTransition');
    const { LifecycleActionToken: _t, ...noToken } = lifecycleNotification();
    expect(fail(noToken).reason).toContain('LifecycleActionToken');
  });
});

describe('parseMessage: CloudWatch alarms', () => {
  it('parses an EventBridge alarm state change', () => {
    expect(ok(alarmEvent())).toEqual({
      kind: 'alarm_state_changed',
      alarmName: 'magento-cpu-high',
      alarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:magento-cpu-high',
      state: 'ALARM',
      previous: 'OK',
      reason: 'Threshold Crossed: 3 datapoints were greater than the threshold (70.0).',
      at: '2026-01-01T14:00:00.000Z',
      region: 'eu-west-1',
      account: '123456789012',
    });
  });

  it('rejects an unknown state value', () => {
    expect(fail(alarmEvent('x', 'FIRING')).reason).toContain('FIRING');
  });

  it('unwraps an SNS notification carrying a classic alarm message', () => {
    const inner = { AlarmName: 'magento-cpu-low', NewStateValue: 'OK', OldStateValue: 'ALARM', NewStateReason: 'back to normal', StateChangeTime: '2026-01-01T15:00:00.000+0000' };
    const sns = { Type: 'Notification', MessageId: 'x', TopicArn: 'arn:aws:sns:eu-west-1:123456789012:alarms', Message: JSON.stringify(inner) };
    expect(ok(sns)).toMatchObject({ kind: 'alarm_state_changed', alarmName: 'magento-cpu-low', state: 'OK', previous: 'ALARM', at: '2026-01-01T15:00:00.000Z' });
  });
});

describe('parseMessage: EC2 instance state changes and other EventBridge events', () => {
  it('parses an instance state change with where it came from', () => {
    expect(ok(instanceStateChange('i-0fedcba9876543210', 'stopped', 'us-east-1'))).toEqual({
      kind: 'instance_state_changed',
      instanceId: 'i-0fedcba9876543210',
      state: 'stopped',
      region: 'us-east-1',
      account: '123456789012',
      at: '2026-01-01T15:30:00.000Z',
    });
  });

  it('ignores (never dead-letters) well-formed events drover has no use for, rejects malformed ones', () => {
    expect(fail({ ...instanceStateChange(), 'detail-type': 'EBS Snapshot Notification' })).toMatchObject({ ignored: true });
    expect(fail({ ...instanceStateChange(), source: 'aws.s3', 'detail-type': 'Object Created' })).toMatchObject({ ignored: true });
    expect(fail({ ...alarmEvent(), 'detail-type': 'CloudWatch Alarm Configuration Change' })).toMatchObject({ ignored: true });
    expect(fail({ ...instanceStateChange(), detail: { 'instance-id': 'nope', state: 'running' } })).toMatchObject({ ignored: false });
    expect(fail({ ...instanceStateChange(), detail: { 'instance-id': 'i-0fedcba9876543210', state: 'melting' } }).reason).toContain('melting');
  });
});

describe('parseMessage never throws', () => {
  it.each([
    ['invalid JSON', '{"object_kind": ', 'not JSON'],
    ['an array', '[1,2]', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['an empty body', '   ', 'empty'],
    ['an unknown shape', '{"hello":"world"}', 'not recognised'],
    ['an EventBridge-like event without detail', '{"source":"aws.ec2","detail-type":"x"}', 'instance event'],
    ['an unknown source', '{"source":"aws.s3","detail-type":"x"}', 'aws.s3'],
  ])('rejects %s with a reason', (_name, body, reason) => {
    const r = fail(body);
    expect(r).toMatchObject({ ok: false, ignored: false, messageId: 'm-2' });
    expect(r.reason).toContain(reason);
  });

  it('refuses a 1 MB body before parsing it', () => {
    const body = JSON.stringify({ object_kind: 'push', padding: 'x'.repeat(1024 * 1024) });
    const r = fail(body);
    expect(r.reason).toContain(`${MAX_MESSAGE_BYTES}-byte limit`);
  });

  it('survives arbitrary JSON values in every position (property)', () => {
    const shapes = [mergeRequestHook(), pushHook(), lifecycleNotification(), lifecycleEventBridge(), alarmEvent()];
    fc.assert(
      fc.property(fc.nat(shapes.length - 1), fc.jsonValue(), fc.nat(40), (i, junk, pick) => {
        const body = structuredClone(shapes[i]) as Record<string, any>;
        const keys = Object.keys(body);
        body[keys[pick % keys.length]] = junk;
        const r = parseMessage(JSON.stringify(body), { messageId: 'p', headers: i < 2 ? { 'X-Gitlab-Event': i === 0 ? 'Merge Request Hook' : 'Push Hook' } : undefined });
        return r.ok ? typeof r.event.kind === 'string' : typeof r.reason === 'string' && r.reason.length > 0;
      }),
      { numRuns: 400 },
    );
  });

  it('survives non-string bodies and missing metadata', () => {
    expect(parseMessage(undefined as any, undefined as any)).toMatchObject({ ok: false, reason: 'message body is not a string' });
  });
});

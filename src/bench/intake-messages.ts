/**
 * A realistic mix of event queue messages for the intake benchmark: GitLab merges and pushes
 * for several fleets (duplicates and other branches included), lifecycle actions in both
 * shapes (EventBridge and the hook's direct notification), alarm state changes (EventBridge
 * and SNS), and poison. Deterministic for a seed.
 */
import {
  alarmEvent,
  lifecycleEventBridge,
  lifecycleNotification,
  lifecycleTestNotification,
  mergeRequestHook,
  pushHook,
} from './payloads';
import type { DesiredFleet } from '../model/fleet';
import { seededRandom } from '../util/backoff';

export type MixKind =
  | 'merge'
  | 'merge-duplicate'
  | 'merge-other-branch'
  | 'merge-opened'
  | 'push'
  | 'push-other-branch'
  | 'push-unknown-repo'
  | 'lifecycle-eventbridge'
  | 'lifecycle-notification'
  | 'lifecycle-test'
  | 'alarm-eventbridge'
  | 'alarm-sns'
  | 'poison';

export interface MixMessage {
  kind: MixKind;
  body: string;
  attributes: Record<string, string>;
}

/** Share of each kind (sums to 1). */
export const MIX: Record<MixKind, number> = {
  merge: 0.25,
  'merge-duplicate': 0.1,
  'merge-other-branch': 0.08,
  'merge-opened': 0.05,
  push: 0.1,
  'push-other-branch': 0.04,
  'push-unknown-repo': 0.03,
  'lifecycle-eventbridge': 0.1,
  'lifecycle-notification': 0.06,
  'lifecycle-test': 0.02,
  'alarm-eventbridge': 0.1,
  'alarm-sns': 0.05,
  poison: 0.02,
};

const MERGE_HEADERS = { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' };
const PUSH_HEADERS = { 'X-Gitlab-Event': 'Push Hook', 'drover-source': 'gitlab' };
const POISON = ['{not json', '[1, 2, 3]', JSON.stringify({ hello: 'world' }), JSON.stringify({ source: 'aws.ec2', detail: {} }), 'null'];

/** The repository path a bench fleet bakes from. */
export function benchRepoPath(fleet: string): string {
  return `shop/${fleet}`;
}

/** Fleets for routing: copies of `base` named `shop-00`…, each baking its own repository's master. */
export function intakeFleets(base: DesiredFleet, count: number): DesiredFleet[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `shop-${String(i).padStart(2, '0')}`;
    const bake = { ...base.image.bake!, repository: `git@gitlab.example.com:${benchRepoPath(name)}.git`, branch: 'master' };
    return { ...base, name, image: { ...base.image, bake }, loadBalancer: { ...base.loadBalancer, name } };
  });
}

/** `count` messages in the MIX proportions, shuffled. */
export function intakeMix(fleets: string[], count: number, seed = 11): MixMessage[] {
  const rand = seededRandom(seed);
  const kinds = (Object.keys(MIX) as MixKind[]).flatMap((k) => Array<MixKind>(Math.round(MIX[k] * count)).fill(k));
  while (kinds.length < count) kinds.push('merge');
  kinds.length = count;
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j], kinds[i]];
  }
  const merges: MixMessage[] = [];
  return kinds.map((kind, i) => {
    const fleet = fleets[Math.floor(rand() * fleets.length)];
    const m = build(kind, fleet, i, rand, merges);
    if (kind === 'merge') merges.push(m);
    return m;
  });
}

function sha(n: number): string {
  return n.toString(16).padStart(40, 'b');
}

/** GitLab's MR time format, one minute apart per message so later merges are newer. */
function updatedAt(i: number): string {
  const d = new Date(Date.UTC(2026, 0, 1) + i * 60_000);
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function build(kind: MixKind, fleet: string, i: number, rand: () => number, merges: MixMessage[]): MixMessage {
  const path = benchRepoPath(fleet);
  const json = (body: unknown, attributes: Record<string, string> = {}) => ({ kind, body: JSON.stringify(body), attributes });
  switch (kind) {
    case 'merge':
      return json(mergeRequestHook({ path, mergeCommit: sha(i), iid: i, updatedAt: updatedAt(i) }), MERGE_HEADERS);
    case 'merge-duplicate': {
      const earlier = merges.length ? merges[Math.floor(rand() * merges.length)] : undefined;
      return earlier ? { ...earlier, kind } : json(mergeRequestHook({ path, mergeCommit: sha(i), iid: i, updatedAt: updatedAt(i) }), MERGE_HEADERS);
    }
    case 'merge-other-branch':
      return json(mergeRequestHook({ path, mergeCommit: sha(i), iid: i, target: 'develop', updatedAt: updatedAt(i) }), MERGE_HEADERS);
    case 'merge-opened':
      return json(mergeRequestHook({ path, action: 'open', mergeCommit: null, iid: i, updatedAt: updatedAt(i) }), MERGE_HEADERS);
    case 'push':
      return json(pushHook({ path, after: sha(i) }), PUSH_HEADERS);
    case 'push-other-branch':
      return json(pushHook({ path, after: sha(i), ref: 'refs/heads/feature/x' }), PUSH_HEADERS);
    case 'push-unknown-repo':
      return json(pushHook({ path: 'other/thing', after: sha(i) }), PUSH_HEADERS);
    case 'lifecycle-eventbridge':
      return json(lifecycleEventBridge(rand() < 0.5 ? 'EC2 Instance-launch Lifecycle Action' : 'EC2 Instance-terminate Lifecycle Action', `${fleet}-v001`));
    case 'lifecycle-notification':
      return json(lifecycleNotification('autoscaling:EC2_INSTANCE_LAUNCHING', `${fleet}-v001`));
    case 'lifecycle-test':
      return json(lifecycleTestNotification(`${fleet}-v001`));
    case 'alarm-eventbridge':
      return json(alarmEvent(`${fleet}-cpu-high`, rand() < 0.5 ? 'ALARM' : 'OK', 'OK'));
    case 'alarm-sns':
      return json(snsAlarm(`${fleet}-cpu-low`, i));
    case 'poison':
      return { kind, body: POISON[i % POISON.length], attributes: {} };
  }
}

/** An alarm notification as SNS delivers it to an SQS subscriber (raw delivery off). */
function snsAlarm(alarmName: string, i: number) {
  const message = {
    AlarmName: alarmName,
    AlarmDescription: null,
    AWSAccountId: '123456789012',
    NewStateValue: 'ALARM',
    NewStateReason: 'Threshold Crossed: 5 datapoints were less than the threshold (30.0).',
    StateChangeTime: '2026-01-01T14:00:00.000+0000',
    Region: 'EU (Ireland)',
    AlarmArn: `arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`,
    OldStateValue: 'OK',
    Trigger: { MetricName: 'CPUUtilization', Namespace: 'AWS/EC2', Statistic: 'AVERAGE', Period: 60, EvaluationPeriods: 5, ComparisonOperator: 'LessThanThreshold', Threshold: 30 },
  };
  return {
    Type: 'Notification',
    MessageId: `0f8c${String(i).padStart(4, '0')}-5b1a-4e2c-9d3f-1a2b3c4d5e6f`,
    TopicArn: 'arn:aws:sns:eu-west-1:123456789012:drover-alarms',
    Subject: `ALARM: "${alarmName}" in EU (Ireland)`,
    Message: JSON.stringify(message),
    Timestamp: '2026-01-01T14:00:00.123Z',
    SignatureVersion: '1',
  };
}

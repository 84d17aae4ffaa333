/** Realistic message bodies for intake tests, shaped like what GitLab and AWS actually send. */

export const SHA_A = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';
export const SHA_B = '8b2c1f0e5a4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b';
export const ZERO = '0000000000000000000000000000000000000000';

export function gitlabProject(path = 'shop/magento') {
  return {
    id: 15,
    name: path.split('/').pop(),
    description: '',
    web_url: `https://gitlab.example.com/${path}`,
    avatar_url: null,
    git_ssh_url: `git@gitlab.example.com:${path}.git`,
    git_http_url: `https://gitlab.example.com/${path}.git`,
    namespace: path.split('/')[0],
    visibility_level: 0,
    path_with_namespace: path,
    default_branch: 'master',
    homepage: `https://gitlab.example.com/${path}`,
    url: `git@gitlab.example.com:${path}.git`,
  };
}

export interface MrOptions {
  action?: string;
  target?: string;
  mergeCommit?: string | null;
  /** GitLab sends squash_commit_sha when the merge squashed the source commits. */
  squashCommit?: string | null;
  lastCommit?: string;
  iid?: number;
  updatedAt?: string;
  path?: string;
}

export function mergeRequestHook(o: MrOptions = {}) {
  const project = gitlabProject(o.path);
  return {
    object_kind: 'merge_request',
    event_type: 'merge_request',
    user: { id: 1, name: 'Ada Lovelace', username: 'ada', avatar_url: null, email: '[REDACTED]' },
    project,
    object_attributes: {
      id: 99,
      iid: o.iid ?? 7,
      target_branch: o.target ?? 'master',
      source_branch: 'feature/checkout',
      source_project_id: 15,
      author_id: 1,
      title: 'Faster checkout',
      created_at: '2026-01-01 09:00:00 UTC',
      updated_at: o.updatedAt ?? '2026-01-01 10:00:00 UTC',
      state: o.action === 'merge' ? 'merged' : 'opened',
      merge_status: 'can_be_merged',
      target_project_id: 15,
      description: '',
      url: `${project.web_url}/-/merge_requests/${o.iid ?? 7}`,
      source: project,
      target: project,
      last_commit: { id: o.lastCommit ?? SHA_B, message: 'checkout: cache totals', timestamp: '2026-01-01T09:30:00+00:00' },
      work_in_progress: false,
      merge_commit_sha: o.mergeCommit === undefined ? SHA_A : o.mergeCommit,
      ...(o.squashCommit !== undefined ? { squash_commit_sha: o.squashCommit } : {}),
      action: o.action ?? 'merge',
    },
    labels: [],
    changes: {},
    repository: { name: 'magento', url: project.git_ssh_url, description: '', homepage: project.web_url },
  };
}

export interface PushOptions {
  ref?: string;
  before?: string;
  after?: string;
  path?: string;
  /** The head commit's author timestamp (authors' clocks, rebases and cherry-picks make it anything). */
  timestamp?: string;
}

export function pushHook(o: PushOptions = {}) {
  const after = o.after ?? SHA_A;
  const project = gitlabProject(o.path);
  return {
    object_kind: 'push',
    event_name: 'push',
    before: o.before ?? SHA_B,
    after,
    ref: o.ref ?? 'refs/heads/master',
    ref_protected: true,
    checkout_sha: after === ZERO ? null : after,
    user_id: 4,
    user_name: 'John Smith',
    user_username: 'jsmith',
    project_id: 15,
    project,
    commits: after === ZERO ? [] : [{ id: after, message: 'Update checkout', timestamp: o.timestamp ?? '2026-01-02T08:00:00+01:00', author: { name: 'John', email: 'j@example.com' } }],
    total_commits_count: after === ZERO ? 0 : 1,
    repository: { name: 'magento', url: project.git_ssh_url, homepage: project.web_url, git_http_url: project.git_http_url, git_ssh_url: project.git_ssh_url },
  };
}

export function lifecycleNotification(transition = 'autoscaling:EC2_INSTANCE_LAUNCHING', group = 'magento-v002') {
  return {
    Origin: 'EC2',
    Destination: 'AutoScalingGroup',
    Service: 'AWS Auto Scaling',
    Time: '2026-01-01T12:00:00.000Z',
    AccountId: '123456789012',
    RequestId: '4f0b1a2c-3d4e-5f60-7182-93a4b5c6d7e8',
    LifecycleActionToken: 'c613620e-07e2-4ed2-a9e2-ef8258911ade',
    AutoScalingGroupName: group,
    LifecycleHookName: 'drover-launch',
    EC2InstanceId: 'i-0a1b2c3d4e5f60718',
    LifecycleTransition: transition,
    NotificationMetadata: '{"fleet":"magento"}',
  };
}

export function lifecycleTestNotification(group = 'magento-v002') {
  return {
    AccountId: '123456789012',
    RequestId: 'd2c0a3e4-1111-2222-3333-444455556666',
    AutoScalingGroupARN: `arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1c2d3e4f:autoScalingGroupName/${group}`,
    AutoScalingGroupName: group,
    Service: 'AWS Auto Scaling',
    Event: 'autoscaling:TEST_NOTIFICATION',
    Time: '2026-01-01T11:59:00.000Z',
  };
}

export function lifecycleEventBridge(detailType = 'EC2 Instance-terminate Lifecycle Action', group = 'magento-v001') {
  const terminating = detailType.includes('terminate');
  return {
    version: '0',
    id: '468fe059-f4b7-445f-bb22-2a2e1c4ba7d4',
    'detail-type': detailType,
    source: 'aws.autoscaling',
    account: '123456789012',
    time: '2026-01-01T13:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:1c2d3e4f:autoScalingGroupName/${group}`],
    detail: {
      LifecycleActionToken: '87654321-4321-4321-4321-210987654321',
      AutoScalingGroupName: group,
      LifecycleHookName: 'drover-terminate',
      EC2InstanceId: 'i-0fedcba9876543210',
      LifecycleTransition: terminating ? 'autoscaling:EC2_INSTANCE_TERMINATING' : 'autoscaling:EC2_INSTANCE_LAUNCHING',
      Origin: terminating ? 'AutoScalingGroup' : 'EC2',
      Destination: terminating ? 'EC2' : 'AutoScalingGroup',
    },
  };
}

export function alarmEvent(alarmName = 'magento-cpu-high', state = 'ALARM', previous = 'OK') {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2026-01-01T14:00:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:cloudwatch:eu-west-1:123456789012:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value: state, reason: 'Threshold Crossed: 3 datapoints were greater than the threshold (70.0).', timestamp: '2026-01-01T14:00:00.000+0000' },
      previousState: { value: previous, reason: 'Threshold Crossed', timestamp: '2026-01-01T13:00:00.000+0000' },
      configuration: { metrics: [] },
    },
  };
}

export function instanceStateChange(instanceId = 'i-0a1b2c3d4e5f60718', state = 'terminated', region = 'eu-west-1') {
  return {
    version: '0',
    id: '7bf73129-1428-4cd3-a780-95db273d1602',
    'detail-type': 'EC2 Instance State-change Notification',
    source: 'aws.ec2',
    account: '123456789012',
    time: '2026-01-01T15:30:00Z',
    region,
    resources: [`arn:aws:ec2:${region}:123456789012:instance/${instanceId}`],
    detail: { 'instance-id': instanceId, state },
  };
}

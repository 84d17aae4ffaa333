import { allCommands, isReadOnlyCommand } from '../aws/commands';
import { IMPLICIT_ACTIONS, commandActions, iamActionFor } from './iam-actions';
import { buildIamPolicies, policyActions, renderIamPolicies } from './iam-policy';
import type { PolicyDocument, PolicyStatement } from './iam-policy';

const FLEET = { name: 'magento-marketplace', region: 'eu-west-1', loadBalancerName: 'magento-marketplace', queue: 'drover-events' };
const scoped = () => buildIamPolicies({ accountId: '123456789012', fleets: [FLEET] });

function resources(st: PolicyStatement): string[] {
  return Array.isArray(st.Resource) ? st.Resource : [st.Resource];
}

function statementsGranting(doc: PolicyDocument, action: string): PolicyStatement[] {
  return doc.Statement.filter((st) => st.Action.includes(action));
}

const IMPLICIT = IMPLICIT_ACTIONS.map((a) => a.action);

describe('daemon policy actions', () => {
  it('grants every mutating Auto Scaling and Classic ELB command of COMMANDS on drover-tagged resources only', () => {
    const doc = scoped().daemon;
    const mutating = allCommands().filter((c) => (c.service === 'AutoScaling' || c.service === 'ElasticLoadBalancing') && !isReadOnlyCommand(c.operation));
    expect(mutating.length).toBeGreaterThan(20);
    for (const { service, operation } of mutating) {
      const action = iamActionFor(service, operation);
      const conditions = statementsGranting(doc, action).map((st) => Object.keys(st.Condition?.StringEquals ?? {}).join());
      expect({ action, conditions: conditions.length > 0 && conditions.every((c) => /aws:(Request|Resource)Tag\/drover:managed-by/.test(c)) }).toEqual({ action, conditions: true });
    }
  });

  it('grants the IAM action of every COMMANDS entry, each a distinct action except SQS batches and ELB operations both APIs have', () => {
    const granted = new Set(policyActions(scoped().daemon));
    const mapped = commandActions();
    const batches = allCommands().filter((c) => c.service === 'SQS' && c.operation.endsWith('Batch'));
    expect(batches.map((c) => c.operation)).toContain('DeleteMessageBatch');
    const classic = allCommands().filter((c) => c.service === 'ElasticLoadBalancing').map((c) => c.operation);
    const shared = allCommands().filter((c) => c.service === 'ElasticLoadBalancingV2' && classic.includes(c.operation));
    expect(shared.map((c) => c.operation)).toEqual(['CreateLoadBalancer', 'DescribeLoadBalancers', 'DeleteLoadBalancer', 'AddTags', 'DescribeTags']);
    expect(new Set(mapped).size).toBe(allCommands().length - batches.length - shared.length);
    for (const action of mapped) expect(granted.has(action)).toBe(true);
  });

  it('authorizes SQS batch operations with the single action, as SQS does (no sqs:DeleteMessageBatch)', () => {
    expect(iamActionFor('SQS', 'DeleteMessageBatch')).toBe('sqs:DeleteMessage');
    expect(policyActions(scoped().daemon)).toContain('sqs:DeleteMessage');
    expect(policyActions(scoped().daemon)).not.toContain('sqs:DeleteMessageBatch');
  });

  it('grants nothing beyond COMMANDS and the documented implicit actions', () => {
    const allowed = new Set([...commandActions(), ...IMPLICIT]);
    const extra = policyActions(scoped().daemon).filter((a) => !allowed.has(a));
    expect(extra).toEqual([]);
    for (const a of IMPLICIT) expect(policyActions(scoped().daemon)).toContain(a);
  });

  it('maps SDK client names to IAM prefixes', () => {
    expect(iamActionFor('EFS', 'DescribeFileSystems')).toBe('elasticfilesystem:DescribeFileSystems');
    expect(iamActionFor('CloudWatch', 'ListTagsForResource')).toBe('cloudwatch:ListTagsForResource');
    expect(iamActionFor('ElasticLoadBalancing', 'ConfigureHealthCheck')).toBe('elasticloadbalancing:ConfigureHealthCheck');
    expect(iamActionFor('ElasticLoadBalancingV2', 'RegisterTargets')).toBe('elasticloadbalancing:RegisterTargets');
    expect(iamActionFor('ElasticLoadBalancingV2', 'CreateLoadBalancer')).toBe(iamActionFor('ElasticLoadBalancing', 'CreateLoadBalancer'));
    expect(iamActionFor('AutoScaling', 'SetDesiredCapacity')).toBe('autoscaling:SetDesiredCapacity');
  });

  it.each([
    ['without options', buildIamPolicies()],
    ['with fleets', scoped()],
  ])('uses no wildcard action (%s)', (_label, p) => {
    for (const doc of [p.daemon, p.relay]) {
      for (const st of doc.Statement) {
        expect(st.Effect).toBe('Allow');
        expect(st.Sid).toMatch(/^[A-Za-z0-9]+$/);
        for (const a of st.Action) {
          expect(a).not.toBe('*');
          expect(a).not.toMatch(/\*/);
          expect(a).toMatch(/^[a-z0-9]+:[A-Z][A-Za-z]+$/);
        }
      }
    }
  });

  it('has unique statement ids', () => {
    const sids = scoped().daemon.Statement.map((s) => s.Sid);
    expect(new Set(sids).size).toBe(sids.length);
  });
});

describe('daemon policy scoping', () => {
  it('grants `*` resources only to read-only actions', () => {
    for (const st of scoped().daemon.Statement) {
      if (!resources(st).includes('*')) continue;
      const mutating = st.Action.filter((a) => !isReadOnlyCommand(a.split(':')[1]));
      expect({ sid: st.Sid, mutating }).toEqual({ sid: st.Sid, mutating: [] });
    }
  });

  it('gives every mutating statement a tag condition or resource ARNs', () => {
    for (const st of scoped().daemon.Statement) {
      if (st.Action.every((a) => isReadOnlyCommand(a.split(':')[1]))) continue;
      const arns = resources(st);
      expect(arns.every((r) => r.startsWith('arn:aws:'))).toBe(true);
      // Without a condition, every ARN names this account (or is an ownerless image/snapshot
      // ARN) and starts its resource part with a name, never `*`.
      if (!st.Condition) {
        for (const r of arns) expect(r).toMatch(/^arn:aws:[a-z0-9]+:(eu-west-1)?:(123456789012)?:[a-z]/i);
        for (const r of arns) if (!/:(image|snapshot)\//.test(r)) expect(r).toContain(':123456789012:');
      }
    }
  });

  it('requires the ownership tag on the request for creations', () => {
    const doc = scoped().daemon;
    for (const action of [
      'ec2:CreateSecurityGroup',
      'ec2:CreateLaunchTemplate',
      'ec2:RunInstances',
      'ec2:CreateImage',
      'autoscaling:CreateAutoScalingGroup',
      'elasticloadbalancing:CreateLoadBalancer',
      'elasticloadbalancing:CreateTargetGroup',
      'elasticfilesystem:CreateFileSystem',
      'cloudwatch:PutMetricAlarm',
    ]) {
      const tagged = statementsGranting(doc, action).filter((st) => st.Condition?.StringEquals?.['aws:RequestTag/drover:managed-by'] === 'drover');
      expect({ action, tagged: tagged.length > 0 }).toEqual({ action, tagged: true });
    }
  });

  it('requires the ownership tag on the resource for changes and deletions', () => {
    const doc = scoped().daemon;
    for (const action of [
      'ec2:TerminateInstances',
      'ec2:DeleteSecurityGroup',
      'ec2:DeregisterImage',
      'ec2:DeleteSnapshot',
      'ec2:DeleteLaunchTemplate',
      'autoscaling:DeleteAutoScalingGroup',
      'autoscaling:SetDesiredCapacity',
      'elasticloadbalancing:DeleteLoadBalancer',
      'elasticloadbalancing:DeleteTargetGroup',
      'elasticloadbalancing:RegisterTargets',
      'elasticloadbalancing:CreateListener',
      'autoscaling:AttachLoadBalancerTargetGroups',
      'elasticfilesystem:DeleteFileSystem',
    ]) {
      const sts = statementsGranting(doc, action);
      expect(sts.length).toBeGreaterThan(0);
      for (const st of sts) expect(st.Condition?.StringEquals?.['aws:ResourceTag/drover:managed-by']).toBe('drover');
    }
  });

  it('retires images and snapshots only when tagged for one of the fleets', () => {
    for (const action of ['ec2:DeregisterImage', 'ec2:DeleteSnapshot']) {
      const sts = statementsGranting(scoped().daemon, action);
      expect(sts.map((st) => st.Condition?.StringEquals?.['aws:ResourceTag/drover:fleet'])).toEqual([['magento-marketplace']]);
      expect(sts.flatMap(resources).every((arn) => /^arn:aws:ec2:eu-west-1::(image|snapshot)\/\*$/.test(arn))).toBe(true);
    }
  });

  it('allows ec2:CreateTags on other resources only while creating them or on drover resources', () => {
    for (const st of statementsGranting(scoped().daemon, 'ec2:CreateTags')) {
      const c = st.Condition?.StringEquals ?? {};
      expect(c['ec2:CreateAction'] !== undefined || c['aws:ResourceTag/drover:managed-by'] === 'drover').toBe(true);
    }
  });

  it('narrows alarms, groups, load balancers and queues to the fleets', () => {
    const doc = scoped().daemon;
    const arnsOf = (action: string) => statementsGranting(doc, action).flatMap(resources);
    expect(arnsOf('cloudwatch:DeleteAlarms')).toEqual(['arn:aws:cloudwatch:eu-west-1:123456789012:alarm:magento-marketplace-*']);
    expect(arnsOf('autoscaling:DeleteAutoScalingGroup')).toEqual([
      'arn:aws:autoscaling:eu-west-1:123456789012:autoScalingGroup:*:autoScalingGroupName/magento-marketplace-v*',
    ]);
    // One pattern for the Classic ELB `loadbalancer/<name>` and the ALB `loadbalancer/app/<name>/<id>`.
    expect(arnsOf('elasticloadbalancing:DeleteLoadBalancer')).toEqual([
      'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/*magento-marketplace*',
      'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/*',
    ]);
    expect(arnsOf('elasticloadbalancing:ModifyListener')).toEqual(['arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/*/magento-marketplace/*']);
    expect(arnsOf('sqs:ReceiveMessage').sort()).toEqual([
      'arn:aws:sqs:eu-west-1:123456789012:drover-events',
      'arn:aws:sqs:eu-west-1:123456789012:drover-events-dlq',
    ]);
  });

  it('reads the region and account of a queue given as a URL', () => {
    const p = buildIamPolicies({ fleets: [{ ...FLEET, queue: 'https://sqs.us-east-1.amazonaws.com/210987654321/shop-events' }] });
    expect(p.relay.Statement[0].Resource).toEqual(['arn:aws:sqs:us-east-1:210987654321:shop-events']);
  });

  it('falls back to `*` segments without an account or fleets', () => {
    const doc = buildIamPolicies().daemon;
    const arns = statementsGranting(doc, 'cloudwatch:DeleteAlarms').flatMap(resources);
    expect(arns).toEqual(['arn:aws:cloudwatch:*:*:alarm:*']);
    expect(statementsGranting(doc, 'sqs:CreateQueue').flatMap(resources)).toEqual(['arn:aws:sqs:*:*:drover-events', 'arn:aws:sqs:*:*:drover-events-dlq']);
  });

  it('conditions service-linked role creation on the service name', () => {
    const [st] = statementsGranting(scoped().daemon, 'iam:CreateServiceLinkedRole');
    expect(st.Condition?.StringEquals?.['iam:AWSServiceName']).toEqual(
      expect.arrayContaining(['autoscaling.amazonaws.com', 'elasticloadbalancing.amazonaws.com']),
    );
  });

  it('rejects a malformed account id or region', () => {
    expect(() => buildIamPolicies({ accountId: '1234' })).toThrow('building the iam policy: account id 1234 is not 12 digits');
    expect(() => buildIamPolicies({ region: 'moon-1' })).toThrow('is not an AWS region');
  });
});

describe('relay policy and rendering', () => {
  it('lets the relay only send to the event queue (no dead-letter queue)', () => {
    const { relay } = scoped();
    expect(policyActions(relay)).toEqual(['sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(relay.Statement.flatMap(resources)).toEqual(['arn:aws:sqs:eu-west-1:123456789012:drover-events']);
  });

  it('renders both policies as 2-space JSON that fits an inline role policy', () => {
    const text = renderIamPolicies({ accountId: '123456789012', fleets: [FLEET] });
    const parsed = JSON.parse(text);
    expect(Object.keys(parsed)).toEqual(['daemon', 'webhookRelay']);
    expect(parsed.daemon).toEqual(scoped().daemon);
    expect(text).toContain('\n  "daemon": {\n    "Version": "2012-10-17"');
    // IAM's limit for all inline policies of one role is 10,240 characters without whitespace.
    expect(JSON.stringify(parsed.daemon).length).toBeLessThan(10240);
  });
});

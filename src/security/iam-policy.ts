/**
 * drover's least-privilege IAM policies, derived from `aws/commands.ts`:
 * - `daemon`: exactly the actions for COMMANDS plus the implicit ones AWS checks on drover's
 *   behalf (see IMPLICIT_ACTIONS), grouped into read-only statements on `*`, creations that
 *   must carry `drover:managed-by = drover`, changes to resources that already carry it, and
 *   ARN-scoped statements where AWS offers no usable tag condition.
 * - `relay`: what a webhook relay needs to put bake requests on the event queue.
 *
 * No statement uses a `*` action or a `service:*` wildcard. Pass fleets (and the account id)
 * to narrow Auto Scaling groups, load balancers, alarms and queues to their names.
 */
import { ec2Statements } from './iam-ec2';
import { IamPolicyOptions, PolicyScope, queueArns, resolveScope } from './iam-scope';
import {
  autoScalingStatements,
  cloudWatchStatements,
  eventQueueStatement,
  fileSystemStatements,
  loadBalancerStatements,
  readOnlyStatement,
  serviceLinkedRoleStatement,
} from './iam-services';
import { PolicyDocument, allow, policy } from './iam-statement';

export type { FleetScope, IamPolicyOptions } from './iam-scope';
export type { PolicyDocument, PolicyStatement } from './iam-statement';

export interface IamPolicies {
  daemon: PolicyDocument;
  relay: PolicyDocument;
}

export function buildIamPolicies(opts: IamPolicyOptions = {}): IamPolicies {
  const scope = resolveScope(opts);
  return { daemon: daemonPolicy(scope), relay: relayPolicy(scope) };
}

function daemonPolicy(s: PolicyScope): PolicyDocument {
  return policy([
    readOnlyStatement(),
    ...ec2Statements(s),
    ...autoScalingStatements(s),
    ...loadBalancerStatements(s),
    ...cloudWatchStatements(s),
    ...fileSystemStatements(s),
    eventQueueStatement(s),
    serviceLinkedRoleStatement(s),
  ]);
}

/** The relay only enqueues: SendMessage (and GetQueueUrl to resolve a queue name), no DLQ. */
function relayPolicy(s: PolicyScope): PolicyDocument {
  return policy([allow('SqsSendToEventQueue', ['sqs:SendMessage', 'sqs:GetQueueUrl'], queueArns(s, false))]);
}

/** `{ "daemon": ..., "webhookRelay": ... }` as JSON text, 2-space indent, newline-terminated. */
export function renderIamPolicies(opts: IamPolicyOptions = {}): string {
  const { daemon, relay } = buildIamPolicies(opts);
  return `${JSON.stringify({ daemon, webhookRelay: relay }, null, 2)}\n`;
}

/** Every action a policy grants, sorted and deduplicated. */
export function policyActions(doc: PolicyDocument): string[] {
  return [...new Set(doc.Statement.flatMap((st) => st.Action))].sort();
}

/**
 * drover's least-privilege IAM policies, derived from `aws/commands.ts`:
 * - `daemon`: exactly the actions for COMMANDS plus the implicit ones AWS checks on drover's
 *   behalf (see IMPLICIT_ACTIONS), grouped into read-only statements on `*`, creations that
 *   must carry `drover:managed-by = drover`, changes to resources that already carry it, and
 *   ARN-scoped statements where AWS offers no usable tag condition.
 * - `relay`: what a webhook relay needs to put bake requests on the event queue.
 *
 * - `stateTable` and `stateTableInit`, only when `state` is a DynamoDB location: the state
 *   table's runtime and setup operations on its ARN (see iam-state.ts for why they are separate).
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
import { StateTablePolicies, stateTablePolicies, stateTableScope } from './iam-state';
import { PolicyDocument, allow, policy } from './iam-statement';

export type { FleetScope, IamPolicyOptions } from './iam-scope';
export type { PolicyDocument, PolicyStatement } from './iam-statement';

export interface IamPolicies extends Partial<StateTablePolicies> {
  daemon: PolicyDocument;
  relay: PolicyDocument;
}

export function buildIamPolicies(opts: IamPolicyOptions = {}): IamPolicies {
  const scope = resolveScope(opts);
  // The table lives in one region: the URL's, else the only region of the fleets (or --region).
  const table = stateTableScope(opts.state, scope.account, scope.regions.length === 1 ? scope.regions[0] : undefined);
  return { daemon: daemonPolicy(scope), relay: relayPolicy(scope), ...(table ? stateTablePolicies(table) : {}) };
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

/**
 * `{ "daemon": ..., "webhookRelay": ... }` as JSON text, 2-space indent, newline-terminated;
 * with a DynamoDB state location also `"stateTable"` and `"stateTableInit"`.
 */
export function renderIamPolicies(opts: IamPolicyOptions = {}): string {
  const { daemon, relay, stateTable, stateTableInit } = buildIamPolicies(opts);
  return `${JSON.stringify({ daemon, webhookRelay: relay, ...(stateTable ? { stateTable, stateTableInit } : {}) }, null, 2)}\n`;
}

/** Every action a policy grants, sorted and deduplicated. */
export function policyActions(doc: PolicyDocument): string[] {
  return [...new Set(doc.Statement.flatMap((st) => st.Action))].sort();
}

/**
 * The state table's statements (`--state dynamodb://TABLE`), kept out of the daemon document:
 * the daemon policy is already near IAM's 10,240-character limit for a role's inline policies,
 * so the table gets documents of its own, small enough for customer managed policies.
 * - `stateTable`: the state store's runtime operations (STATE_TABLE_OPERATIONS less the table
 *   setup ones) on the table's ARN only. Every replica's role needs it.
 * - `stateTableInit`: what `drover state init` sends to create the table and enable its TTL,
 *   plus `dynamodb:TagResource`, because CreateTable sends the `drover:purpose` tag (tag on create
 *   may be authorized as TagResource too; the Service Authorization Reference was not checked here).
 *   Give it to whoever runs `state init` once (an admin), not to the daemon.
 */
import { STATE_TABLE_OPERATIONS, StateTableOperation } from '../aws/dynamodb';
import type { StateLocation } from '../state/url';
import { DroverError } from '../util/errors';
import { PolicyDocument, allow, policy } from './iam-statement';

/** Operations only `drover state init` sends; the rest of STATE_TABLE_OPERATIONS are the runtime ones. */
export const STATE_INIT_OPERATIONS: readonly StateTableOperation[] = ['CreateTable', 'UpdateTimeToLive'];

export const STATE_RUNTIME_OPERATIONS: readonly StateTableOperation[] = STATE_TABLE_OPERATIONS.filter((op) => !STATE_INIT_OPERATIONS.includes(op));

export interface StateTableScope {
  table: string;
  /** From `?region=`; else the caller's region; else `*`. */
  region: string;
  /** 12 digits or `*`. */
  account: string;
}

export interface StateTablePolicies {
  stateTable: PolicyDocument;
  stateTableInit: PolicyDocument;
}

/** The scope of a DynamoDB state location, or undefined for a local directory (no table, no statements). */
export function stateTableScope(location: StateLocation | undefined, account: string, fallbackRegion: string | undefined): StateTableScope | undefined {
  if (location?.kind !== 'dynamodb') return undefined;
  return { table: location.table, region: location.region ?? fallbackRegion ?? '*', account };
}

export function stateTableArn(s: StateTableScope): string {
  if (!/^[A-Za-z0-9_.-]{3,255}$/.test(s.table)) {
    throw new DroverError(`building the iam policy: state table name ${JSON.stringify(s.table)} is not valid`, { code: 'InvalidPolicyScope', source: 'user' });
  }
  return `arn:aws:dynamodb:${s.region}:${s.account}:table/${s.table}`;
}

export function stateTablePolicies(s: StateTableScope): StateTablePolicies {
  const arn = stateTableArn(s);
  const dynamo = (ops: readonly string[]) => ops.map((op) => `dynamodb:${op}`);
  return {
    stateTable: policy([allow('DroverStateTable', dynamo(STATE_RUNTIME_OPERATIONS), arn)]),
    stateTableInit: policy([allow('DroverStateTableInit', dynamo([...STATE_INIT_OPERATIONS, 'DescribeTable', 'TagResource']), arn)]),
  };
}

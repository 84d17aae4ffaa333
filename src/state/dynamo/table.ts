/**
 * The state table, described once: `createStateTable` makes it through the API (`drover state
 * init --state dynamodb://TABLE`) and `stateTableCloudFormation` prints the same table as a
 * CloudFormation template (`-o yaml`). On-demand billing; `pk`/`sk` string keys; DynamoDB's TTL
 * on the `ttl` attribute removes expired dedupe items and old lifecycle claims.
 */
import { stringify } from 'yaml';
import { CloudError } from '../../aws/errors';
import { TTL_ATTRIBUTE } from './codec';
import { tableCall, type TableContext } from './table-call';

export const STATE_TABLE_SPEC = {
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'sk', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'pk', KeyType: 'HASH' },
    { AttributeName: 'sk', KeyType: 'RANGE' },
  ],
  TimeToLiveAttribute: TTL_ATTRIBUTE,
} as const;

export interface CreateStateTableResult {
  table: string;
  /** False when the table already existed (nothing changed). */
  created: boolean;
  /** False when the endpoint does not support TTL (dynalite): dedupe items are still judged by their expiry. */
  ttlEnabled: boolean;
  arn?: string;
}

/** How long to wait for a new table to become ACTIVE, polling on the injected clock. */
const ACTIVE_TIMEOUT_MS = 5 * 60_000;

export async function createStateTable(ctx: TableContext): Promise<CreateStateTableResult> {
  const table = ctx.table;
  let created = true;
  try {
    await tableCall(ctx, `creating state table ${table}`, () =>
      ctx.client.CreateTable({
          TableName: table,
          BillingMode: STATE_TABLE_SPEC.BillingMode,
          AttributeDefinitions: STATE_TABLE_SPEC.AttributeDefinitions.map((a) => ({ ...a })),
          KeySchema: STATE_TABLE_SPEC.KeySchema.map((k) => ({ ...k })),
          Tags: [{ Key: 'drover:purpose', Value: 'state' }],
        }),
    );
  } catch (err) {
    if (!(err instanceof CloudError && err.awsCode === 'ResourceInUseException')) throw err;
    created = false;
  }
  const arn = await waitActive(ctx);
  let ttlEnabled = true;
  try {
    await tableCall(ctx, `enabling TTL on state table ${table}`, () =>
      ctx.client.UpdateTimeToLive({ TableName: table, TimeToLiveSpecification: { AttributeName: STATE_TABLE_SPEC.TimeToLiveAttribute, Enabled: true } }),
    );
  } catch (err) {
    const code = err instanceof CloudError ? err.awsCode : undefined;
    // Already enabled (a second init), or an endpoint without TTL (dynalite).
    if (code === 'ValidationException' && /already enabled/i.test((err as Error).message)) ttlEnabled = true;
    else if (code === 'UnknownOperationException') ttlEnabled = false;
    else throw err;
  }
  return { table, created, ttlEnabled, ...(arn ? { arn } : {}) };
}

async function waitActive(ctx: TableContext): Promise<string | undefined> {
  const deadline = ctx.clock.nowMs() + ACTIVE_TIMEOUT_MS;
  for (;;) {
    const out = await tableCall(ctx, `describing state table ${ctx.table}`, () => ctx.client.DescribeTable({ TableName: ctx.table }));
    if (out.Table?.TableStatus === 'ACTIVE') return out.Table.TableArn;
    if (ctx.clock.nowMs() >= deadline) throw new Error(`creating state table ${ctx.table}: still ${out.Table?.TableStatus ?? 'unknown'} after ${ACTIVE_TIMEOUT_MS / 1000} s`);
    await ctx.clock.sleep(1000);
  }
}

/** The same table as a CloudFormation template (YAML), with its ARN as an output. */
export function stateTableCloudFormation(table: string): string {
  const template = {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `drover state table ${table} (fleet records, shard leases, lifecycle claims, message dedupe)`,
    Resources: {
      DroverStateTable: {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          TableName: table,
          BillingMode: STATE_TABLE_SPEC.BillingMode,
          AttributeDefinitions: STATE_TABLE_SPEC.AttributeDefinitions,
          KeySchema: STATE_TABLE_SPEC.KeySchema,
          TimeToLiveSpecification: { AttributeName: STATE_TABLE_SPEC.TimeToLiveAttribute, Enabled: true },
          Tags: [{ Key: 'drover:purpose', Value: 'state' }],
        },
      },
    },
    Outputs: {
      StateTableArn: { Description: 'for drover iam-policy', Value: { 'Fn::GetAtt': ['DroverStateTable', 'Arn'] } },
      StateUrl: { Description: 'pass as --state or DROVER_STATE', Value: `dynamodb://${table}` },
    },
  };
  return stringify(template);
}

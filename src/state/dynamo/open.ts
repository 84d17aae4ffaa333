/**
 * Opening the DynamoDB backend from `--state dynamodb://TABLE[?region=R]`: the client (built
 * in src/aws, honouring AWS_ENDPOINT_URL_DYNAMODB), the table context, and the store. The
 * wiring imports this module lazily, so a daemon on the local directory never loads the SDK.
 */
import { createDynamoClient, dynamoEndpoint } from '../../aws/dynamodb';
import type { Logger } from '../../log/logger';
import type { Clock } from '../../util/clock';
import type { SectionShapes } from '../port';
import { DynamoStateStore } from './dynamo-store';
import type { TableContext } from './table-call';

export interface OpenDynamoOptions {
  clock: Clock;
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

export function openStateTable(location: { table: string; region?: string }, opts: OpenDynamoOptions): TableContext {
  const env = opts.env ?? process.env;
  const region = location.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const endpoint = dynamoEndpoint({ env });
  const client = createDynamoClient({ env, ...(region ? { region } : {}) });
  return { client, table: location.table, clock: opts.clock, logger: opts.logger.child({ component: 'state' }), ...(region ? { region } : {}), ...(endpoint ? { endpoint } : {}) };
}

export function openDynamoStateStore<S extends SectionShapes = SectionShapes>(location: { table: string; region?: string }, opts: OpenDynamoOptions): DynamoStateStore<S> {
  return new DynamoStateStore<S>(openStateTable(location, opts));
}

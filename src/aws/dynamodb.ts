/**
 * The DynamoDB client for the state store. Like the other clients it makes one attempt per
 * call (drover's awsCall owns retries) and counts its calls. The endpoint is the explicit one,
 * else `AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`, else AWS. Under NODE_ENV=test a
 * client without an endpoint is refused, so no test can reach AWS (tests run dynalite).
 */
import type { AwsCredentialIdentity } from '@smithy/types';
import { DroverError } from '../util/errors';
import type { Method } from './port';

/**
 * The state table's port: exactly the DynamoDB operations the state store sends (the IAM policy
 * grants these on the table's ARN). Like the AWS port, each method sends `new <Op>Command(input)`.
 */
export const STATE_TABLE_OPERATIONS = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'CreateTable', 'DescribeTable', 'UpdateTimeToLive'] as const;
export type StateTableOperation = (typeof STATE_TABLE_OPERATIONS)[number];
type DynamoSdk = typeof import('@aws-sdk/client-dynamodb');
export type StateTableApi = { readonly [O in StateTableOperation]: Method<DynamoSdk[`${O}Command`]> } & {
  /** Close the client's sockets. */
  destroy(): void;
};

export interface DynamoClientOptions {
  /** Called with each operation's name as it is sent (tests count calls). */
  onCall?: (operation: StateTableOperation) => void;
  region?: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
  env?: NodeJS.ProcessEnv;
}

/** The endpoint the client will use; undefined means AWS's regional endpoint. */
export function dynamoEndpoint(opts: DynamoClientOptions = {}): string | undefined {
  const env = opts.env ?? process.env;
  return opts.endpoint ?? (env.AWS_ENDPOINT_URL_DYNAMODB || undefined) ?? (env.AWS_ENDPOINT_URL || undefined);
}

export function createDynamoClient(opts: DynamoClientOptions = {}): StateTableApi {
  const env = opts.env ?? process.env;
  const region = opts.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new DroverError('creating DynamoDB client for the state table: no region (set AWS_REGION or use dynamodb://TABLE?region=REGION)', { code: 'NoRegion', source: 'user' });
  }
  const endpoint = dynamoEndpoint(opts);
  if (!endpoint && env.NODE_ENV === 'test') {
    throw new DroverError('creating DynamoDB client: refusing to reach AWS under NODE_ENV=test (point AWS_ENDPOINT_URL_DYNAMODB at dynalite)', { code: 'RealAwsInTest', source: 'controller' });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the DynamoDB backend is chosen
  const sdk = require('@aws-sdk/client-dynamodb') as DynamoSdk;
  const credentials = opts.credentials ?? (endpoint && env.NODE_ENV === 'test' ? { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } : undefined);
  const client = new sdk.DynamoDBClient({ region, maxAttempts: 1, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) });
  const api: Record<string, unknown> = { destroy: () => client.destroy() };
  for (const op of STATE_TABLE_OPERATIONS) {
    const Command = (sdk as unknown as Record<string, new (input: unknown) => any>)[`${op}Command`];
    api[op] = (input: unknown) => {
      opts.onCall?.(op);
      return client.send(new Command(input));
    };
  }
  return Object.freeze(api) as unknown as StateTableApi;
}

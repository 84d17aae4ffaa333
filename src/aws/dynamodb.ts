/**
 * The DynamoDB client for the state store. Like the other clients it makes one attempt per
 * call (drover's awsCall owns retries) and counts its calls. The endpoint is the explicit one,
 * else `AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL`, else AWS. Under NODE_ENV=test a
 * client without an endpoint is refused, so no test can reach AWS (tests run dynalite).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AwsCredentialIdentity } from '@smithy/types';
import { DroverError } from '../util/errors';

export interface DynamoClientOptions {
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

export function createDynamoClient(opts: DynamoClientOptions = {}): DynamoDBClient {
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
  const { DynamoDBClient: Client } = require('@aws-sdk/client-dynamodb') as typeof import('@aws-sdk/client-dynamodb');
  const credentials = opts.credentials ?? (endpoint && env.NODE_ENV === 'test' ? { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } : undefined);
  return new Client({ region, maxAttempts: 1, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) });
}

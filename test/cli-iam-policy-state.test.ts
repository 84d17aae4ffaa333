/**
 * `drover iam-policy --state dynamodb://T` through the real CLI: drover's global `--state`
 * option must not swallow the flag, so the state table's policies are printed, scoped to its ARN.
 */
import { drover } from './support/cli';

const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/drover-state';

it('prints the state table policies for --state dynamodb://T given to the command', async () => {
  const run = await drover('iam-policy', '--state', 'dynamodb://drover-state?region=eu-west-1', '--account-id', '123456789012');
  expect(run).toMatchObject({ code: 0, stderr: '' });
  const doc = JSON.parse(run.stdout) as Record<string, { Statement: Array<{ Resource: string; Action: string[] }> }>;
  expect(Object.keys(doc)).toEqual(['daemon', 'webhookRelay', 'stateTable', 'stateTableInit']);
  expect(doc.stateTable.Statement[0].Resource).toBe(TABLE_ARN);
  expect(doc.stateTable.Statement[0].Action).toContain('dynamodb:UpdateItem');
  const local = await drover('iam-policy', '--state', './.drover', '--account-id', '123456789012');
  expect(Object.keys(JSON.parse(local.stdout))).toEqual(['daemon', 'webhookRelay']);
  const bad = await drover('iam-policy', '--state', 'dynamodb://');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--state "dynamodb://": no table name');
});

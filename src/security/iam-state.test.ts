import { Command } from 'commander';
import { STATE_TABLE_OPERATIONS } from '../aws/dynamodb';
import { registerIamPolicyCommand } from '../main/cmd-iam-policy';
import { parseStateUrl } from '../state/url';
import { buildIamPolicies, renderIamPolicies } from './iam-policy';
import { STATE_INIT_OPERATIONS, STATE_RUNTIME_OPERATIONS } from './iam-state';

const FLEET = { name: 'magento-marketplace', region: 'eu-west-1', loadBalancerName: 'magento-marketplace', queue: 'drover-events' };
const TABLE_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/drover-state';

describe('state table policies', () => {
  it('grants exactly the runtime operations of the state table port on the table ARN, and nothing without a table', () => {
    const p = buildIamPolicies({ accountId: '123456789012', fleets: [FLEET], state: parseStateUrl('dynamodb://drover-state') });
    expect(p.stateTable?.Statement).toEqual([
      {
        Sid: 'DroverStateTable',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:DescribeTable'],
        Resource: TABLE_ARN,
      },
    ]);
    // The daemon document itself is unchanged, so it still fits IAM's inline limit.
    expect(p.daemon).toEqual(buildIamPolicies({ accountId: '123456789012', fleets: [FLEET] }).daemon);
    expect(JSON.stringify(p.stateTable).length).toBeLessThan(6144);
    expect(JSON.stringify(p.stateTableInit).length).toBeLessThan(6144);
    const local = buildIamPolicies({ accountId: '123456789012', state: parseStateUrl('./.drover') });
    expect(local.stateTable).toBeUndefined();
    expect(local.stateTableInit).toBeUndefined();
  });

  it('splits every operation of the port into runtime or init, and gives the daemon no table setup', () => {
    expect([...STATE_RUNTIME_OPERATIONS, ...STATE_INIT_OPERATIONS].sort()).toEqual([...STATE_TABLE_OPERATIONS].sort());
    const p = buildIamPolicies({ state: parseStateUrl('dynamodb://drover-state?region=us-east-2') });
    expect(p.stateTable?.Statement[0].Action).not.toContain('dynamodb:CreateTable');
    expect(p.stateTable?.Statement[0].Action).not.toContain('dynamodb:UpdateTimeToLive');
    expect(p.stateTableInit?.Statement).toEqual([
      {
        Sid: 'DroverStateTableInit',
        Effect: 'Allow',
        Action: ['dynamodb:CreateTable', 'dynamodb:UpdateTimeToLive', 'dynamodb:DescribeTable', 'dynamodb:TagResource'],
        Resource: 'arn:aws:dynamodb:us-east-2:*:table/drover-state',
      },
    ]);
  });

  it('takes the region from the URL, else the only region of the fleets or --region, else *', () => {
    const arn = (opts: Parameters<typeof buildIamPolicies>[0]) => buildIamPolicies(opts).stateTable?.Statement[0].Resource;
    const state = parseStateUrl('dynamodb://drover-state');
    expect(arn({ state: parseStateUrl('dynamodb://drover-state?region=ap-south-1'), fleets: [FLEET] })).toBe('arn:aws:dynamodb:ap-south-1:*:table/drover-state');
    expect(arn({ state, fleets: [FLEET], accountId: '123456789012' })).toBe(TABLE_ARN);
    expect(arn({ state, region: 'us-west-2' })).toBe('arn:aws:dynamodb:us-west-2:*:table/drover-state');
    expect(arn({ state, fleets: [FLEET, { ...FLEET, name: 'shop', region: 'us-east-1' }] })).toBe('arn:aws:dynamodb:*:*:table/drover-state');
  });

  it('renders stateTable and stateTableInit after the two existing documents', () => {
    const text = renderIamPolicies({ accountId: '123456789012', fleets: [FLEET], state: parseStateUrl('dynamodb://drover-state') });
    expect(Object.keys(JSON.parse(text))).toEqual(['daemon', 'webhookRelay', 'stateTable', 'stateTableInit']);
    expect(Object.keys(JSON.parse(renderIamPolicies({})))).toEqual(['daemon', 'webhookRelay']);
  });
});

describe('drover iam-policy --state', () => {
  let out: string[];
  let write: jest.SpyInstance;
  beforeEach(() => {
    out = [];
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
  });
  afterEach(() => write.mockRestore());

  const run = async (args: string[], env: Record<string, string | undefined> = {}) => {
    const saved = process.env.DROVER_STATE;
    if ('DROVER_STATE' in env) process.env.DROVER_STATE = env.DROVER_STATE;
    else delete process.env.DROVER_STATE;
    try {
      const program = new Command().exitOverride();
      registerIamPolicyCommand(program);
      await program.parseAsync(['node', 'drover', 'iam-policy', ...args]);
    } finally {
      if (saved === undefined) delete process.env.DROVER_STATE;
      else process.env.DROVER_STATE = saved;
    }
    return JSON.parse(out.join(''));
  };

  it('adds the table from --state, or from DROVER_STATE', async () => {
    const fromFlag = await run(['--state', 'dynamodb://drover-state?region=eu-west-1', '--account-id', '123456789012']);
    expect(fromFlag.stateTable.Statement[0].Resource).toBe(TABLE_ARN);
    out = [];
    const fromEnv = await run(['--account-id', '123456789012', '--region', 'eu-west-1'], { DROVER_STATE: 'dynamodb://drover-state' });
    expect(fromEnv.stateTable.Statement[0].Resource).toBe(TABLE_ARN);
    out = [];
    expect(Object.keys(await run([]))).toEqual(['daemon', 'webhookRelay']);
  });

  it('refuses a malformed --state with the flag named', async () => {
    await expect(run(['--state', 'dynamodb://'])).rejects.toThrow('--state "dynamodb://": no table name');
    await expect(run([], { DROVER_STATE: 'redis://x' })).rejects.toThrow('DROVER_STATE "redis://x": unknown scheme "redis:"');
  });
});

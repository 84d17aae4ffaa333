import { createSimPlugin, SimAccount } from '../sim';
import { builtAwsServices, createAwsPort } from './clients';

describe('the ELBv2 client', () => {
  it('is built on first use like the others, records its calls and reaches the simulated account', async () => {
    const clients = createAwsPort({ region: 'eu-west-1', plugin: createSimPlugin(new SimAccount()) });
    expect(builtAwsServices(clients)).toEqual([]);
    const out = await clients.elbv2.DescribeTargetGroups({});
    expect(out.TargetGroups).toEqual([]);
    expect(builtAwsServices(clients)).toEqual(['elbv2']);
    expect(clients.calls.list()).toEqual([{ service: 'ElasticLoadBalancingV2', operation: 'DescribeTargetGroups', readOnly: true, outcome: 'ok' }]);
  });
});

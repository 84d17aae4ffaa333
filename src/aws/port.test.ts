import { createAwsPort } from './clients';
import { COMMANDS, type ServiceName } from './commands';
import { SERVICE_KEYS, type AwsPort } from './port';

/** Answers every command at initialize with what it was sent, without calling AWS. */
function echoPlugin(seen: Array<{ command: string; input: unknown }>) {
  return {
    applyToStack: (stack: any) =>
      stack.add(
        (_next: unknown, context: { commandName: string }) => async (args: { input: unknown }) => {
          seen.push({ command: context.commandName, input: args.input });
          return { output: { $metadata: {}, echoed: context.commandName }, response: {} };
        },
        { step: 'initialize', priority: 'high', name: 'echo' },
      ),
  };
}

describe('the AWS port', () => {
  const seen: Array<{ command: string; input: unknown }> = [];
  const port = createAwsPort({ region: 'eu-west-1', plugin: echoPlugin(seen) });

  it('has one property per COMMANDS service, plus region, calls and destroy', () => {
    const services = Object.values(SERVICE_KEYS).sort();
    expect(Object.keys(port).sort()).toEqual([...services, 'calls', 'destroy', 'region'].sort());
  });

  it.each(Object.keys(COMMANDS) as ServiceName[])('%s has exactly the operations COMMANDS lists', (service) => {
    const api = port[SERVICE_KEYS[service]] as unknown as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...COMMANDS[service]].sort());
    for (const op of COMMANDS[service]) expect(typeof api[op]).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('sends new <Op>Command(input) on the service client for every listed operation', async () => {
    for (const service of Object.keys(COMMANDS) as ServiceName[]) {
      const api = port[SERVICE_KEYS[service]] as unknown as Record<string, (input: unknown) => Promise<{ echoed: string }>>;
      for (const op of COMMANDS[service]) {
        const input = { Marker: `${service}:${op}` };
        seen.length = 0;
        const out = await api[op](input);
        expect(out.echoed).toBe(`${op}Command`);
        expect(seen).toEqual([{ command: `${op}Command`, input }]);
      }
    }
    const total = Object.values(COMMANDS).reduce((n, ops) => n + ops.length, 0);
    expect(port.calls.list()).toHaveLength(total);
  });

  it('types each method with the SDK input and output', async () => {
    const typed = async (aws: AwsPort) => {
      const out = await aws.autoScaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: ['web'] });
      const names: Array<string | undefined> = (out.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName);
      return names;
    };
    // Compiled, never run: tsc fails the build if these stop being errors.
    const _wrong = async (aws: AwsPort) => {
      // @ts-expect-error an operation COMMANDS does not list is not on the port
      await aws.ec2.DescribeVpcs({});
      // @ts-expect-error inputs are the SDK's own
      await aws.sqs.GetQueueUrl({ Queue: 'q' });
    };
    expect(await typed(port)).toEqual([]);
    expect('DescribeVpcs' in port.ec2).toBe(false);
  });
});

import { currentPriority, withPriority, withPriorityPorts } from './priority';

describe('call priority', () => {
  it('rides the async context, innermost wins, normal outside', async () => {
    expect(currentPriority()).toBe('normal');
    const seen = await withPriority('resync', async () => {
      await new Promise<void>((r) => setImmediate(r));
      const outer = currentPriority();
      const inner = await withPriority('deploy', async () => currentPriority());
      return [outer, inner, currentPriority()];
    });
    expect(seen).toEqual(['resync', 'deploy', 'resync']);
  });

  it('wraps every port method so calls made inside run at the given priority', async () => {
    const ports = {
      name: 'swap',
      pollGroupHealth: async (group: string) => {
        await new Promise<void>((r) => setImmediate(r));
        return `${group}:${currentPriority()}`;
      },
    };
    const wrapped = withPriorityPorts('deploy', ports);
    expect(wrapped.name).toBe('swap');
    expect(await withPriority('resync', () => wrapped.pollGroupHealth('g1'))).toBe('g1:deploy');
    expect(await ports.pollGroupHealth('g1')).toBe('g1:normal');
  });
});

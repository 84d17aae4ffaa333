import { CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { existsSync, mkdtempSync, readdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { VirtualClock } from '../util/clock';
import { SimAccount } from './index';
import { createWebFleet, simClients } from '../../test/support/sim';

/** What a killed process leaves: the file as it is, loaded by a fresh process. */
const reload = (file: string) => SimAccount.load(file);

describe('write-through persistence (persistTo)', () => {
  const setup = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sim-wt-')), 'sim', 'account.json');
    const sim = new SimAccount({ clock: new VirtualClock(Date.UTC(2026, 0, 1)), seed: 3 });
    sim.persistTo(file);
    return { file, sim, c: simClients(sim) };
  };

  it('a mutating call is on disk before it returns; a read is not written', async () => {
    const { file, sim, c } = setup();
    const { groupName } = await createWebFleet(c, { desired: 2, max: 4, draining: 30 });
    expect(reload(file).group(groupName)?.desired).toBe(2);
    const writes = sim.persistWrites();
    await c.asg.send(new DescribeAutoScalingGroupsCommand({}));
    expect(sim.persistWrites()).toBe(writes);
    await expect(c.asg.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: groupName, MinSize: 0, MaxSize: 1, LaunchTemplate: { LaunchTemplateName: 'x' }, AvailabilityZones: ['eu-west-1a'] }))).rejects.toThrow();
    expect(reload(file).groups().map((g) => g.name)).toEqual([groupName]);
    expect(readdirSync(join(file, '..')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('the virtual clock and the lifecycle it moved are saved: a reload never goes back in time', async () => {
    const { file, sim, c } = setup();
    const { lbName } = await createWebFleet(c, { desired: 2, max: 4, draining: 30 });
    expect(reload(file).inServiceCount(lbName)).toBe(0);
    sim.advance(10 * 60_000);
    expect(sim.inServiceCount(lbName)).toBe(2);
    const loaded = reload(file);
    expect(loaded.nowMs()).toBe(sim.nowMs());
    expect(loaded.inServiceCount(lbName)).toBe(2);
  });

  it('an account without persistTo writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-wt-'));
    const sim = new SimAccount({ seed: 3 });
    await createWebFleet(simClients(sim), { desired: 1, max: 2, draining: 30 });
    expect(sim.persistWrites()).toBe(0);
    expect(existsSync(join(dir, 'sim'))).toBe(false);
  });
});

import { PutScalingPolicyCommand } from '@aws-sdk/client-auto-scaling';
import { PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateQueueCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import * as fs from 'fs';
import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { VirtualClock } from '../util/clock';
import { SimAccount } from './index';
import { createWebFleet, simClients } from '../../test/support/sim';

async function scenario(sim: SimAccount) {
  const c = simClients(sim);
  await c.sqs.send(new CreateQueueCommand({ QueueName: 'events' }));
  sim.setEventQueue('events');
  const { lbName, groupName } = await createWebFleet(c, { desired: 2, max: 5, draining: 30 });
  const { PolicyARN } = await c.asg.send(new PutScalingPolicyCommand({ AutoScalingGroupName: groupName, PolicyName: 'out', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1, Cooldown: 120 }));
  await c.cw.send(
    new PutMetricAlarmCommand({
      AlarmName: 'cpu-high',
      MetricName: 'CPUUtilization',
      Namespace: 'AWS/EC2',
      Statistic: 'Average',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: groupName }],
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 50,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [PolicyARN!],
    }),
  );
  sim.setLoad(lbName, 300);
  sim.failRate('EC2', 'DescribeInstances', 'Throttling', 0.5);
  sim.failNext('AutoScaling', 'SetDesiredCapacity', 'Throttling', 3);
}

/** What must match after the same virtual history, with or without a save in the middle. */
const comparable = (sim: SimAccount) => ({ state: sim.snapshot(), now: sim.nowMs(), json: JSON.stringify(sim.toJSON().faults) });

describe('persistence', () => {
  it('round-trips mid-lifecycle: save, load, advance gives the same account as never saving', async () => {
    const straight = new SimAccount({ seed: 21 });
    await scenario(straight);
    straight.advance(30_000);
    const saved = new SimAccount({ seed: 21 });
    await scenario(saved);
    saved.advance(30_000);
    const file = join(mkdtempSync(join(tmpdir(), 'drover-sim-')), 'sim.json');
    saved.save(file);
    const loaded = SimAccount.load(file);
    expect(loaded.nowMs()).toBe(saved.nowMs());
    straight.advance(20 * 60_000);
    loaded.advance(20 * 60_000);
    expect(comparable(loaded)).toEqual(comparable(straight));
    expect(loaded.group('web-v001')!.desired).toBeGreaterThan(2);
    const ids = async (sim: SimAccount) => (await sim.dispatch('EC2', 'RunInstances', { ImageId: 'ami-0a1b2c3d4e5f60001', MinCount: 1, MaxCount: 1 })).Instances[0].InstanceId;
    loaded.clearFaults();
    straight.clearFaults();
    expect(await ids(loaded)).toBe(await ids(straight));
  });

  it('saves through the atomic-write helper: temp file fsynced, renamed over the target, directory fsynced', async () => {
    const sim = new SimAccount({ seed: 3 });
    await createWebFleet(simClients(sim), { desired: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'drover-sim-'));
    const file = join(dir, 'sim.json');
    const log: string[] = [];
    const paths = new Map<number, string>();
    const traced: typeof fs = {
      ...fs,
      openSync: ((p: string, flags: string) => { const fd = fs.openSync(p, flags); paths.set(fd, p === dir ? 'dir' : p === file ? 'file' : 'tmp'); return fd; }) as typeof fs.openSync,
      fsyncSync: (fd: number) => { log.push(`fsync ${paths.get(fd)}`); fs.fsyncSync(fd); },
      renameSync: (from: fs.PathLike, to: fs.PathLike) => { log.push(`rename ${from === file ? 'file' : 'tmp'} -> ${to === file ? 'file' : 'other'}`); fs.renameSync(from, to); },
    };
    sim.save(file, traced);
    expect(log).toEqual(['fsync tmp', 'rename tmp -> file', 'fsync dir']);
    expect(fs.readdirSync(dir)).toEqual(['sim.json']);
    expect(SimAccount.load(file).snapshot()).toEqual(sim.snapshot());
  });

  it('catches up to a shared clock that is ahead of the saved time', async () => {
    const sim = new SimAccount({ seed: 4 });
    await createWebFleet(simClients(sim), { desired: 1 });
    const json = JSON.parse(JSON.stringify(sim.toJSON()));
    const clock = new VirtualClock(sim.nowMs() + 120_000);
    const loaded = SimAccount.fromJSON(json, { clock });
    expect(loaded.clock).toBe(clock);
    expect(loaded.nowMs()).toBe(clock.nowMs());
    expect(loaded.inServiceCount('web')).toBe(1);
  });

  it('crosses a day of idle virtual time in few lifecycle steps, jumping from one due event to the next', async () => {
    const sim = new SimAccount();
    const c = simClients(sim);
    await scenario(sim);
    sim.clearFaults();
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: 'idle' }));
    const poll = c.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    const steps: number[] = [];
    sim.onTick((now) => steps.push(now));
    const from = sim.nowMs();
    sim.advance(24 * 3_600_000);
    // Work done, not wall time: a step per due event (each registration's health check, each
    // alarm period, the 60 s safety net), never a fixed fine-grained tick.
    const state = sim.snapshot();
    const day = 24 * 3_600;
    const healthChecks = Object.values(state.loadBalancers).reduce((n, lb) => n + Object.keys(lb.instances).length * (day / lb.healthCheck.interval), 0);
    const alarmPeriods = Object.values(state.alarms).reduce((n, a) => n + day / a.period, 0);
    expect(healthChecks).toBeGreaterThan(0);
    expect(steps.length).toBeLessThanOrEqual(healthChecks + alarmPeriods + day / 60);
    expect(steps.length).toBeLessThan(day / 5);
    expect(steps.every((t, i) => t > (i ? steps[i - 1] : from))).toBe(true);
    expect(steps[steps.length - 1]).toBe(from + 24 * 3_600_000);
    expect((await poll).Messages).toBeUndefined();
    expect(sim.group('web-v001')!.instances.every((i) => i.lifecycle === 'InService')).toBe(true);
  });
});

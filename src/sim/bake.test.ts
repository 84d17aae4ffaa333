import { CreateImageCommand, DescribeInstancesCommand, GetConsoleOutputCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { BAKE_MARKER, SimAccount } from './index';
import { AMI_BASE, simClients, SUBNETS } from '../../test/support/sim';

const userData = (sha: string) => Buffer.from(`#!/bin/bash\nset -e\nexport DROVER_COMMIT=${sha}\n/opt/drover/bake.sh\n`).toString('base64');

async function bake(sim: SimAccount, sha: string) {
  const { ec2 } = simClients(sim);
  const out = await ec2.send(new RunInstancesCommand({ ImageId: AMI_BASE, InstanceType: 'c5.xlarge', MinCount: 1, MaxCount: 1, SubnetId: SUBNETS[0], UserData: userData(sha) }));
  const id = out.Instances![0].InstanceId!;
  const consoleText = async () => {
    const o = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }));
    return o.Output ? Buffer.from(o.Output, 'base64').toString('utf8') : '';
  };
  const state = async () => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations![0].Instances![0];
  return { id, consoleText, state };
}

function marker(text: string) {
  const line = text.split('\n').find((l) => l.startsWith(BAKE_MARKER));
  return line ? JSON.parse(line.slice(BAKE_MARKER.length)) : undefined;
}

describe('bake builders', () => {
  it('runs the build after boot, writes the result marker, then stops itself', async () => {
    const sim = new SimAccount();
    const b = await bake(sim, 'abc1234');
    expect(await b.consoleText()).toBe('');
    sim.advance(45_000);
    expect(await b.consoleText()).toContain('Cloud-init');
    expect(marker(await b.consoleText())).toBeUndefined();
    sim.advance(240_000);
    expect(marker(await b.consoleText())).toEqual({ ok: true, commit: 'abc1234', message: 'build succeeded' });
    expect((await b.state()).State!.Name).toBe('stopping');
    sim.advance(15_000);
    const stopped = await b.state();
    expect(stopped.State!.Name).toBe('stopped');
    expect(stopped.StateReason!.Code).toBe('Client.InstanceInitiatedShutdown');
  });

  it('reports a failed build with its message and duration', async () => {
    const sim = new SimAccount();
    sim.setBuildResult('bad0001', { ok: false, durationMs: 60_000, message: 'composer install failed' });
    const b = await bake(sim, 'bad0001');
    sim.advance(45_000 + 60_000);
    const text = await b.consoleText();
    expect(text).toContain('drover-bake: ERROR: composer install failed');
    expect(marker(text)).toEqual({ ok: false, commit: 'bad0001', message: 'composer install failed' });
  });
});

describe('a build that yields a broken image', () => {
  it('marks only the image baked from that commit as broken', async () => {
    const sim = new SimAccount();
    sim.setBuildResult('bad0002', { ok: true, brokenImage: true });
    const { ec2 } = simClients(sim);
    const images: string[] = [];
    for (const sha of ['bad0002', 'good0003']) {
      const b = await bake(sim, sha);
      sim.advance(45_000 + 240_000 + 15_000);
      expect((await b.state()).State!.Name).toBe('stopped');
      images.push((await ec2.send(new CreateImageCommand({ InstanceId: b.id, Name: `img-${sha}` }))).ImageId!);
    }
    expect(sim.snapshot().brokenAmis).toContain(images[0]);
    expect(sim.snapshot().brokenAmis).not.toContain(images[1]);
  });
});

describe('a build that yields a metrics-bad image', () => {
  it('gives only the image baked from that commit its error rate', async () => {
    const sim = new SimAccount();
    sim.setBuildResult('bad0004', { ok: true, errorRate: 0.3 });
    const { ec2 } = simClients(sim);
    const images: string[] = [];
    for (const sha of ['bad0004', 'good0005']) {
      const b = await bake(sim, sha);
      sim.advance(45_000 + 240_000 + 15_000);
      images.push((await ec2.send(new CreateImageCommand({ InstanceId: b.id, Name: `img-${sha}` }))).ImageId!);
    }
    expect(sim.snapshot().amiErrorRates).toEqual({ [images[0]]: 0.3 });
    expect(sim.snapshot().brokenAmis).toEqual([]);
  });
});

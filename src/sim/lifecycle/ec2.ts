/** Clock-driven EC2: instance state transitions, bake builders, image creation. */
import { SimCore } from '../core';
import { InstanceRec } from '../state';

export const BAKE_MARKER = 'DROVER-BAKE-RESULT:';

function bootLog(sim: SimCore, inst: InstanceRec): string {
  const up = (inst.stateUntil! - inst.launchedAt) / 1000;
  return [
    `[    0.000000] Linux version 6.1.102-111.182.amzn2023.x86_64 (mockbuild@ip-10-0-44-2) #1 SMP PREEMPT_DYNAMIC`,
    `[    0.000000] Command line: BOOT_IMAGE=(hd0,gpt1)/boot/vmlinuz root=UUID=${inst.id.slice(2, 10)} ro console=ttyS0`,
    `[    2.104512] systemd[1]: Started cloud-init-local.service - Initial cloud-init job (pre-networking).`,
    `Cloud-init v. 22.2.2 running 'init' at ${sim.date(inst.launchedAt).toUTCString()}. Up 6.12 seconds.`,
    `ci-info: | eth0 | True | ${inst.privateIp} | 255.255.240.0 | global |`,
    `Cloud-init v. 22.2.2 finished at ${sim.date().toUTCString()}. Datasource DataSourceEc2.  Up ${up.toFixed(2)} seconds`,
    '',
  ].join('\n');
}

function buildLog(sim: SimCore, inst: InstanceRec): { text: string; ok: boolean } {
  const commit = inst.build!.commit;
  const result = sim.state.buildResults[commit] ?? { ok: true };
  const message = result.message ?? (result.ok ? 'build succeeded' : 'build failed');
  const lines = [
    `drover-bake: building commit ${commit}`,
    'drover-bake: composer install --no-dev --optimize-autoloader',
    'drover-bake: bin/magento setup:di:compile',
  ];
  if (result.ok) lines.push('drover-bake: bin/magento setup:static-content:deploy -f', 'drover-bake: build finished');
  else lines.push(`drover-bake: ERROR: ${message}`);
  lines.push(`${BAKE_MARKER} ${JSON.stringify({ ok: result.ok, commit, message })}`, '');
  return { text: lines.join('\n'), ok: result.ok };
}

function finishBuild(sim: SimCore, inst: InstanceRec): void {
  inst.console += buildLog(sim, inst).text;
  inst.build!.finished = true;
  inst.stateReason = { code: 'Client.InstanceInitiatedShutdown', message: 'Client.InstanceInitiatedShutdown: Instance initiated shutdown' };
  inst.transitionReason = `User initiated (${sim.iso().replace('T', ' ').replace('Z', ' GMT')})`;
  if (inst.shutdownBehavior === 'terminate') {
    inst.state = 'shutting-down';
    inst.stateUntil = sim.now() + sim.timings.terminateMs;
  } else {
    inst.state = 'stopping';
    inst.stateUntil = sim.now() + sim.timings.stopMs;
  }
}

function tickInstance(sim: SimCore, inst: InstanceRec): void {
  const now = sim.now();
  if (inst.goneAt !== undefined && now >= inst.goneAt) {
    delete sim.state.instances[inst.id];
    return;
  }
  if (inst.stateUntil !== undefined && now >= inst.stateUntil) {
    if (inst.state === 'pending') {
      inst.console += bootLog(sim, inst);
      inst.state = 'running';
    } else if (inst.state === 'shutting-down') {
      inst.state = 'terminated';
      inst.goneAt = now + sim.timings.terminatedVisibleMs;
    } else if (inst.state === 'stopping') {
      inst.state = 'stopped';
    }
    inst.stateUntil = undefined;
    sim.dirty = true;
  }
  if (inst.build && !inst.build.finished && inst.state === 'running' && now >= inst.build.doneAt) {
    finishBuild(sim, inst);
    sim.dirty = true;
  }
}

export function tickEc2(sim: SimCore): void {
  for (const inst of Object.values(sim.state.instances)) tickInstance(sim, inst);
  for (const img of Object.values(sim.state.images)) {
    if (img.state === 'pending' && img.readyAt !== undefined && sim.now() >= img.readyAt) {
      img.state = 'available';
      img.readyAt = undefined;
      sim.dirty = true;
    }
  }
}

export function ec2Due(sim: SimCore, add: (t: number) => void): void {
  for (const inst of Object.values(sim.state.instances)) {
    if (inst.stateUntil !== undefined) add(inst.stateUntil);
    if (inst.goneAt !== undefined) add(inst.goneAt);
    if (inst.build && !inst.build.finished) add(inst.build.doneAt);
  }
  for (const img of Object.values(sim.state.images)) if (img.readyAt !== undefined) add(img.readyAt);
}

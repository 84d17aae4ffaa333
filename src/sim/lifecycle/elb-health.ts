/**
 * Classic ELB health checks: each registered instance is checked every Interval; it turns
 * InService after HealthyThreshold passes and OutOfService after UnhealthyThreshold fails.
 */
import { decodeBase64, SimCore } from '../core';
import { HEALTH_TEXT } from '../elb/registration';
import { InstanceRec, LoadBalancerRec, RegistrationRec } from '../state';

function allowsNfs(sim: SimCore, sgIds: string[], inst: InstanceRec): boolean {
  return sgIds.some((id) =>
    (sim.state.securityGroups[id]?.ingress ?? []).some((p) => {
      const port = p.protocol === '-1' || ((p.protocol === 'tcp' || p.protocol === '6') && (p.fromPort ?? 0) <= 2049 && 2049 <= (p.toPort ?? 65535));
      return port && (p.cidrs.length > 0 || p.groups.some((g) => inst.sgIds.includes(g.groupId)));
    }),
  );
}

/** Why the instance's EFS mount would fail, if its user-data mounts a file system. */
export function efsMountProblem(sim: SimCore, inst: InstanceRec): string | undefined {
  const ids = [...new Set(decodeBase64(inst.userData).match(/fs-[0-9a-f]{8,17}/g) ?? [])];
  for (const fsId of ids) {
    const fs = sim.state.fileSystems[fsId];
    if (!fs || fs.state !== 'available') return `mount.nfs4: Failed to resolve server ${fsId}.efs.${sim.state.region}.amazonaws.com: Name or service not known`;
    const mt = Object.values(sim.state.mountTargets).find((m) => m.fileSystemId === fsId && m.subnetId === inst.subnetId && m.state === 'available');
    if (!mt) return `mount.nfs4: Failed to resolve server ${fsId}.efs.${sim.state.region}.amazonaws.com: Name or service not known`;
    if (sim.timings.requireNfsIngress && !allowsNfs(sim, mt.securityGroups, inst)) return `mount.nfs4: Connection timed out (${mt.ip}:2049)`;
  }
  return undefined;
}

/** Why a health check of the instance fails: not running, a broken build (HTTP 500), a failed EFS mount (no answer). */
export function healthProblem(sim: SimCore, inst: InstanceRec | undefined): 'down' | 'error' | 'timeout' | undefined {
  if (!inst || inst.state !== 'running') return 'down';
  if (sim.state.brokenAmis.includes(inst.imageId)) return 'error';
  const mount = efsMountProblem(sim, inst);
  if (mount && !inst.console.includes(mount)) inst.console += `[  OK  ] cloud-init: mounting EFS\n${mount}\n`;
  return mount ? 'timeout' : undefined;
}

function instancePasses(sim: SimCore, inst: InstanceRec | undefined): boolean {
  return healthProblem(sim, inst) === undefined;
}

function check(sim: SimCore, lb: LoadBalancerRec, id: string, reg: RegistrationRec): void {
  const inst = sim.state.instances[id];
  if (instancePasses(sim, inst)) {
    reg.passes++;
    reg.fails = 0;
    if (reg.state === 'OutOfService' && reg.passes >= lb.healthCheck.healthyThreshold) {
      Object.assign(reg, { state: 'InService', reasonCode: 'ELB', description: 'N/A' });
      sim.dirty = true;
    }
    return;
  }
  reg.fails++;
  reg.passes = 0;
  const notRunning = inst && inst.state !== 'running' && inst.state !== 'pending';
  if (reg.state === 'InService' && reg.fails >= lb.healthCheck.unhealthyThreshold) {
    reg.state = 'OutOfService';
    sim.dirty = true;
  }
  if (reg.state === 'OutOfService') {
    reg.reasonCode = 'Instance';
    if (notRunning) reg.description = `Instance is in ${inst!.state} state.`;
    else if (reg.fails >= lb.healthCheck.unhealthyThreshold) reg.description = HEALTH_TEXT.failed;
    else reg.reasonCode = 'ELB';
  }
}

export function tickLoadBalancer(sim: SimCore, lb: LoadBalancerRec): void {
  const step = lb.healthCheck.interval * 1000;
  for (const [id, reg] of Object.entries(lb.instances)) {
    if (reg.drainingUntil !== undefined) {
      if (sim.now() >= reg.drainingUntil) {
        delete lb.instances[id];
        sim.dirty = true;
      }
      continue;
    }
    if (sim.now() < reg.nextCheckAt) continue;
    check(sim, lb, id, reg);
    reg.nextCheckAt = Math.max(reg.nextCheckAt + step, sim.now() + 1);
  }
}

export function loadBalancerDue(lb: LoadBalancerRec, add: (t: number) => void): void {
  for (const reg of Object.values(lb.instances)) add(reg.drainingUntil ?? reg.nextCheckAt);
}

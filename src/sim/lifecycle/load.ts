/**
 * The load model: each ELB carries a total load in "instance-percent", spread evenly over
 * its InService instances (on an ALB: split by listener weights, then over healthy targets,
 * as traffic.ts routes requests); other running instances idle.
 */
import { SimCore } from '../core';
import { inServiceIds } from '../elb/registration';
import { GroupRec } from '../state';
import { albRoutes } from './traffic';

export function instanceCpu(sim: SimCore, id: string): number | undefined {
  const inst = sim.state.instances[id];
  if (!inst || inst.state !== 'running') return undefined;
  let cpu = sim.timings.idleCpu;
  for (const [name, load] of Object.entries(sim.state.loads)) {
    const lb = sim.state.loadBalancers[name];
    if (!lb) continue;
    const serving = inServiceIds(lb);
    if (serving.includes(id)) cpu = Math.max(cpu, Math.min(100, load / serving.length));
  }
  for (const lb of Object.values(sim.state.elbv2?.loadBalancers ?? {})) {
    const load = sim.state.loads[lb.name];
    if (!load || lb.type !== 'application') continue;
    const share = albRoutes(sim, lb).reduce((s, r) => s + (r.instances.includes(id) ? r.share / r.instances.length : 0), 0);
    if (share > 0) cpu = Math.max(cpu, Math.min(100, load * share));
  }
  return cpu;
}

/** The group's CPUUtilization statistic over its running instances, or undefined without data. */
export function groupCpu(sim: SimCore, g: GroupRec | undefined, statistic: string): number | undefined {
  if (!g) return undefined;
  const values = Object.keys(g.instances)
    .map((id) => instanceCpu(sim, id))
    .filter((v): v is number => v !== undefined);
  if (!values.length) return undefined;
  if (statistic === 'Maximum') return Math.max(...values);
  if (statistic === 'Minimum') return Math.min(...values);
  if (statistic === 'Sum') return values.reduce((a, b) => a + b, 0);
  if (statistic === 'SampleCount') return values.length;
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * An audit trail of the simulated account for the process-kill bench: one JSON line each time
 * the serving capacity or the set of Auto Scaling groups changes, appended (synchronously)
 * before the call or clock move that caused it returns. Several processes in turn append to
 * the same file, so the bench sees the whole history even when the account's own call record
 * is cut short. Enabled only by DROVER_SIM_AUDIT=<file>.
 */
import * as fs from 'node:fs';
import type { SimAccount } from '../sim';

export interface AuditLine {
  atMs: number;
  pid: number;
  /** InService instances per load balancer. */
  inService: Record<string, number>;
  /** Groups not being deleted, with their desired capacity. */
  groups: Record<string, number>;
}

export function attachSimAudit(sim: SimAccount, file: string): void {
  let last = '';
  sim.onSettled(() => {
    const state = sim.snapshot();
    const inService: Record<string, number> = {};
    for (const lb of Object.keys(state.loadBalancers)) inService[lb] = sim.inServiceCount(lb);
    const groups: Record<string, number> = {};
    for (const g of sim.groups()) if (!g.deleting) groups[g.name] = g.desired;
    const key = JSON.stringify([inService, groups]);
    if (key === last) return;
    last = key;
    const line: AuditLine = { atMs: sim.nowMs(), pid: process.pid, inService, groups };
    fs.appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}

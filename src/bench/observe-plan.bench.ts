import * as path from 'node:path';
import { loadManifestFile } from '../manifest';
import { createSimEnv } from '../main/sim-env';
import { nullLogger } from '../log/logger';
import { convergeFleet, reconcileOnce, withCapacity } from './converge';

export interface ObservePlanRow {
  instances: number;
  reconciles: number;
  readCallsPerReconcile: number;
  mutatingCalls: number;
  stepsPlanned: number;
  cpuMsPerReconcile: number;
  wallMsPerReconcile: number;
  convergeVirtualSeconds: number;
}

/** Observe and plan a converged fleet of N instances, repeatedly: calls and CPU per reconcile. */
export async function benchObservePlan(root: string, sizes = [2, 20, 200], reconciles = 20): Promise<ObservePlanRow[]> {
  const example = loadManifestFile(path.join(root, 'manifests/examples/magento-marketplace.yaml'))[0];
  const rows: ObservePlanRow[] = [];
  for (const n of sizes) {
    const env = createSimEnv({ logger: nullLogger });
    const fleet = withCapacity(example, n);
    const t0 = env.clock.nowMs();
    await convergeFleet(env, fleet);
    const convergeVirtualSeconds = (env.clock.nowMs() - t0) / 1000;
    const before = env.clients.calls.totals();
    let steps = 0;
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    for (let i = 0; i < reconciles; i++) steps += (await reconcileOnce(env, fleet, true)).plan.steps.length;
    const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const after = env.clients.calls.totals();
    rows.push({
      instances: n,
      reconciles,
      readCallsPerReconcile: (after.read - before.read) / reconciles,
      mutatingCalls: after.mutating - before.mutating,
      stepsPlanned: steps,
      cpuMsPerReconcile: round((cpu.user + cpu.system) / 1000 / reconciles),
      wallMsPerReconcile: round(wallMs / reconciles),
      convergeVirtualSeconds,
    });
  }
  return rows;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

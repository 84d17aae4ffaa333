/**
 * What the demo's chapters share: the fleet's names, a step's context, checks, waits in virtual
 * time, and a GitLab merge sent through the daemon's relay as GitLab would send it.
 */
import type { FleetStatus } from '../model/fleet-status';
import { localStatusNow } from '../status/status-store';
import type { DemoWorld } from './demo-world';

export const FLEET = 'magento-marketplace';
export const LB = 'magento-marketplace';

export interface Ctx {
  world: DemoWorld;
  say: (text: string) => void;
}

export type Step = { title: string; run(ctx: Ctx): Promise<string> };

export class CheckFailed extends Error {}

export function check(cond: boolean, message: string): void {
  if (!cond) throw new CheckFailed(message);
}

export function status(ctx: Ctx): FleetStatus | undefined {
  return localStatusNow(ctx.world.stateDir, FLEET);
}

/** Move virtual time in steps until `cond` holds; false when `maxMs` passes first. */
export async function waitFor(ctx: Ctx, cond: () => boolean, maxMs: number, stepMs = 5_000): Promise<boolean> {
  for (let t = 0; t <= maxMs; t += stepMs) {
    if (cond()) return true;
    await ctx.world.pass(stepMs);
  }
  return cond();
}

/** The lowest InService count on the ELB while `body` runs, sampled on every simulated tick. */
export async function lowestServing<T>(ctx: Ctx, body: () => Promise<T>): Promise<{ value: T; lowest: number }> {
  let lowest = ctx.world.sim.inServiceCount(LB);
  const off = ctx.world.sim.onTick(() => (lowest = Math.min(lowest, ctx.world.sim.inServiceCount(LB))));
  try {
    return { value: await body(), lowest };
  } finally {
    off();
  }
}

export interface Merge {
  commit: string;
  title: string;
  /** Defaults to the application's repository; the fleet manifests live in shop/fleet-manifests. */
  project?: string;
}

/** A merge into master, as GitLab's webhook posts it to the daemon's relay. */
export async function sendMerge(ctx: Ctx, merge: Merge): Promise<void> {
  const url = `${ctx.world.daemon.http!.url}/hooks/gitlab`;
  const project = merge.project ?? 'shop/magento2-marketplace';
  const body = {
    object_kind: 'merge_request',
    user: { username: 'dana' },
    project: { path_with_namespace: project, git_ssh_url: `git@gitlab.example.com:${project}.git`, default_branch: 'master' },
    object_attributes: { iid: 42, action: 'merge', state: 'merged', source_branch: 'develop', target_branch: 'master', merge_commit_sha: merge.commit, title: merge.title },
  };
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': ctx.world.token },
    body: JSON.stringify(body),
  });
  check(res.status === 202, `the relay answered ${res.status} to a merge with the right token`);
  ctx.say(`GitLab: "${merge.title}" merged into ${project}@master (${merge.commit.slice(0, 8)}); the relay queued it on SQS (HTTP ${res.status})`);
}

/** The fleet's history holds a finished swap or canary of `commit`. */
export const deployed = (ctx: Ctx, commit: string, kind: 'swap' | 'canary' = 'swap') => () => {
  const s = status(ctx);
  return !!s && s.history.some((d) => d.kind === kind && d.commit === commit && d.result !== 'InProgress');
};

/**
 * The story `drover demo` tells, step by step. Each step acts the way the world would (a
 * merge in GitLab, a traffic spike), waits in virtual time, then checks what must hold.
 */
import type { FleetStatus } from '../model/fleet-status';
import { localStatusNow } from '../status/status-store';
import { formatDuration } from '../util/clock';
import type { DemoWorld } from './demo-world';

export const FLEET = 'magento-marketplace';
export const LB = 'magento-marketplace';
const GOOD_COMMIT = '9f3c2a1b7d4e6f8091a2b3c4d5e6f708192a3b4c';
const BAD_COMMIT = 'badc0ffee4e6f8091a2b3c4d5e6f708192a3b4c5';

export interface StepResult {
  title: string;
  ok: boolean;
  detail: string;
}

export interface Narrator {
  line(text: string): void;
}

interface Ctx {
  world: DemoWorld;
  say: (text: string) => void;
}

type Step = { title: string; run(ctx: Ctx): Promise<string> };

class CheckFailed extends Error {}

function check(cond: boolean, message: string): void {
  if (!cond) throw new CheckFailed(message);
}

function status(ctx: Ctx): FleetStatus | undefined {
  return localStatusNow(ctx.world.stateDir, FLEET);
}

/** Move virtual time in steps until `cond` holds; false when `maxMs` passes first. */
async function waitFor(ctx: Ctx, cond: () => boolean, maxMs: number, stepMs = 5_000): Promise<boolean> {
  for (let t = 0; t <= maxMs; t += stepMs) {
    if (cond()) return true;
    await ctx.world.pass(stepMs);
  }
  return cond();
}

/** The lowest InService count on the ELB while `body` runs, sampled on every simulated tick. */
async function lowestServing<T>(ctx: Ctx, body: () => Promise<T>): Promise<{ value: T; lowest: number }> {
  let lowest = ctx.world.sim.inServiceCount(LB);
  const off = ctx.world.sim.onTick(() => (lowest = Math.min(lowest, ctx.world.sim.inServiceCount(LB))));
  try {
    return { value: await body(), lowest };
  } finally {
    off();
  }
}

async function sendMerge(ctx: Ctx, commit: string, title: string): Promise<void> {
  const url = `${ctx.world.daemon.http!.url}/hooks/gitlab`;
  const body = {
    object_kind: 'merge_request',
    user: { username: 'dana' },
    project: { path_with_namespace: 'shop/magento2-marketplace', git_ssh_url: 'git@gitlab.example.com:shop/magento2-marketplace.git', default_branch: 'master' },
    object_attributes: { iid: 42, action: 'merge', state: 'merged', source_branch: 'develop', target_branch: 'master', merge_commit_sha: commit, title },
  };
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-gitlab-event': 'Merge Request Hook', 'x-gitlab-token': ctx.world.token },
    body: JSON.stringify(body),
  });
  check(res.status === 202, `the relay answered ${res.status} to a merge with the right token`);
  ctx.say(`GitLab: "${title}" merged into master (${commit.slice(0, 8)}); the relay queued it on SQS (HTTP ${res.status})`);
}

const deployed = (ctx: Ctx, commit: string) => () => {
  const s = status(ctx);
  return !!s && s.history.some((d) => d.kind === 'swap' && d.commit === commit && d.result !== 'InProgress');
};

export const STORY: Step[] = [
  {
    title: 'the fleet converges from nothing',
    async run(ctx) {
      ctx.say('an empty AWS account; the daemon reads manifests/examples/magento-marketplace.yaml and builds the web tier');
      const ok = await waitFor(ctx, () => status(ctx)?.phase === 'Ready', 20 * 60_000);
      const s = status(ctx);
      check(ok, `fleet is ${s?.phase ?? 'unknown'}, not Ready, after 20m`);
      return `Ready ${s!.ready.inService}/${s!.ready.desired} InService behind ${s!.observed.loadBalancerDns ?? LB}, EFS ${s!.observed.fileSystemId ?? ''} mounted`;
    },
  },
  {
    title: 'a GitLab merge bakes an AMI and swaps it in blue/green with no capacity dip',
    async run(ctx) {
      const before = ctx.world.sim.inServiceCount(LB);
      await sendMerge(ctx, GOOD_COMMIT, 'Seller dashboard: faster product grid');
      const { value: ok, lowest } = await lowestServing(ctx, () => waitFor(ctx, deployed(ctx, GOOD_COMMIT), 3 * 3600_000, 10_000));
      const swap = status(ctx)?.history.find((d) => d.kind === 'swap' && d.commit === GOOD_COMMIT);
      check(ok && swap?.result === 'Succeeded', `the swap of ${GOOD_COMMIT.slice(0, 8)} ended ${swap?.result ?? 'never'}`);
      check(lowest >= before, `InService fell to ${lowest} during the swap (desired ${before})`);
      return `${swap!.toAmi} (commit ${GOOD_COMMIT.slice(0, 8)}) serves from ${swap!.green?.group ?? 'green'}; InService never below ${before} (lowest ${lowest})`;
    },
  },
  {
    title: 'a traffic spike scales out through the alarm and the launching lifecycle hook',
    async run(ctx) {
      const desired = () => status(ctx)?.ready.desired ?? 0;
      const start = desired();
      ctx.world.sim.setLoad(LB, 95 * (start + 1));
      ctx.say(`traffic spike: CPU ~95% on ${start} instances`);
      const completes = () => ctx.world.sim.calls.filter((c) => c.operation === 'CompleteLifecycleAction' && !c.error && (c.input as { LifecycleActionResult?: string }).LifecycleActionResult === 'CONTINUE').length;
      const before = completes();
      const ok = await waitFor(ctx, () => desired() > start && (status(ctx)?.ready.inService ?? 0) >= desired(), 30 * 60_000, 10_000);
      check(ok, `desired capacity stayed at ${desired()} (InService ${status(ctx)?.ready.inService})`);
      check(completes() > before, 'drover never completed a launching lifecycle action');
      return `alarm fired, desired ${start} -> ${desired()}; the new instance was held in Pending:Wait until warm, then drover completed its lifecycle action`;
    },
  },
  {
    title: 'traffic falls and the fleet scales in, draining before termination',
    async run(ctx) {
      const desired = () => status(ctx)?.ready.desired ?? 0;
      const start = desired();
      ctx.world.sim.setLoad(LB, 10);
      ctx.say('traffic falls to ~5% CPU');
      const ok = await waitFor(ctx, () => desired() < start && (status(ctx)?.ready.inService ?? 0) === desired(), 45 * 60_000, 10_000);
      check(ok, `desired capacity stayed at ${desired()}`);
      return `desired ${start} -> ${desired()}; the instance left the ELB, drained, then terminated`;
    },
  },
  {
    title: 'a bad commit is rolled back automatically',
    async run(ctx) {
      ctx.world.sim.setBuildResult(BAD_COMMIT, { ok: true, brokenImage: true });
      const before = ctx.world.sim.inServiceCount(LB);
      await sendMerge(ctx, BAD_COMMIT, 'Checkout: new payment module');
      ctx.say('its build passes, but the new AMI never answers /health_check.php');
      const { value: ok, lowest } = await lowestServing(ctx, () => waitFor(ctx, deployed(ctx, BAD_COMMIT), 2 * 3600_000, 10_000));
      const s = status(ctx);
      const swap = s?.history.find((d) => d.kind === 'swap' && d.commit === BAD_COMMIT);
      check(ok && swap?.result === 'RolledBack', `the bad swap ended ${swap?.result ?? 'never'}`);
      check(s?.phase === 'Degraded', `the fleet is ${s?.phase}, not Degraded`);
      check(lowest >= before, `InService fell to ${lowest} during the rollback (desired ${before})`);
      return `rolled back (${swap!.reason}): ${swap!.failingInstanceIds?.join(', ') ?? ''} never became healthy; blue kept serving ${ctx.world.sim.inServiceCount(LB)} instances; fleet Degraded until the next good commit`;
    },
  },
];

/** Run every step; a failed check is reported and the story goes on where it can. */
export async function tellStory(world: DemoWorld, narrator: Narrator): Promise<StepResult[]> {
  const started = world.clock.nowMs();
  const stamp = () => `[+${formatDuration((world.clock.nowMs() - started) / 1000).padStart(6)}]`;
  const ctx: Ctx = { world, say: (text) => narrator.line(`${stamp()}   ${text}`) };
  const results: StepResult[] = [];
  for (const [i, step] of STORY.entries()) {
    narrator.line(`${stamp()} ${i + 1}/${STORY.length} ${step.title}`);
    try {
      const detail = await step.run(ctx);
      results.push({ title: step.title, ok: true, detail });
      narrator.line(`${stamp()}   ok: ${detail}`);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      results.push({ title: step.title, ok: false, detail });
      narrator.line(`${stamp()}   FAILED: ${detail}`);
    }
  }
  return results;
}

#!/usr/bin/env node
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS script run with node */
/**
 * Intake throughput beside the 2,000-fleet scale world, in ONE process: the quick loop for the
 * gap between `bench -- intake` (standalone) and the scale bench's intakeMessagesPerCpuSecond.
 * Runs benchIntakeThroughput (limiter on) PRE times with no world, then builds the world as the
 * scale bench does (buildScaleWorld, rate budgets, batched observe, the passes, optionally the
 * swap under load), collects garbage, and runs it POST times more, printing per run the msg/CPU-s,
 * the poll's CPU, heap growth and the GC events (count/ms by kind) of the whole call.
 *
 *   npm run build --silent
 *   AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true node --expose-gc [V8 flags] \
 *     scripts/intake-beside-world.js     # env: PRE=3 POST=3 FLEETS=2000 PASSES=1 SWAP=0|1 GCAFTER=1
 *
 * What it showed (2026-12-04, 2 shared cores, another process's jest running: load 1.6-4.5):
 * nothing of the world runs during the intake (its sim clock has no timer due, no handles);
 * the extra CPU is the garbage collector. Each intake run promotes ~180 MB of short-lived garbage
 * after the swap (a full gc after the run returns to the 204 MB live world: no leak); with the
 * world's ~200 MB live, scavenges cost ~10 ms each instead of ~3 and a mark-compact lands in most
 * runs at 300-790 ms. msg/CPU-s: no world 9,450-12,114; world after the passes 7,698-10,072;
 * after passes and swap (as the scale bench measures) 4,116-5,795; the same with
 * --max-semi-space-size=32 6,242-8,688, =4 4,537-5,238, and with the daemon image's flags
 * (--max-semi-space-size=4 --optimize-for-size) 2,047-2,481: --optimize-for-size, chosen for RSS
 * (225 MB instead of 480 at 2,000 fleets), costs about half the intake throughput there.
 */
const path = require('path');
const D = path.join(__dirname, '..', 'dist');
const { buildScaleWorld } = require(D + '/bench/scale-world');
const { benchIntakeThroughput } = require(D + '/bench/intake-throughput');
const { intakeFleets } = require(D + '/bench/intake-messages');
const { loadManifestFile } = require(D + '/manifest');
const { limitAwsCalls } = require(D + '/aws/rate-limit');
const { AwsRateBudgets } = require(D + '/aws/rate-budgets');
const { resyncObservations } = require(D + '/providers/observe');
const { scalePasses } = require(D + '/bench/scale-pass');
const { swapUnderLoad } = require(D + '/bench/scale-swap');
const root = path.join(__dirname, '..');
const { PerformanceObserver } = require('perf_hooks');
let gc = {};
new PerformanceObserver((l) => { for (const e of l.getEntries()) { const k = e.detail.kind; gc[k] = gc[k] ?? [0, 0]; gc[k][0]++; gc[k][1] += e.duration; } }).observe({ entryTypes: ['gc'] });
const base = loadManifestFile(path.join(root, 'manifests/examples/magento-marketplace.yaml'))[0];
const heap = () => Math.round(process.memoryUsage().heapUsed / 1e6);
async function runs(tag, n) {
  for (let i = 0; i < n; i++) {
    gc = {};
    const h0 = heap();
    const r = await benchIntakeThroughput(intakeFleets(base, 10), 10_000, () => {}, true);
    const g = Object.entries(gc).map(([k, [c, ms]]) => `${{1:'scav',2:'minor-ms',4:'mark-compact',8:'incr',16:'weak'}[k] ?? k}:${c}/${Math.round(ms)}ms`).join(' ');
    if (process.env.GCAFTER) { global.gc(); console.log('  heap after full gc', heap(), 'MB'); }
    console.log(`${tag} run ${i}: ${r.perCpuSecond.messages} msg/CPU-s, poll cpu ${r.poll.cpuMs} ms (sim ${r.poll.simCpuMs}); heap ${h0}->${heap()} MB; gc(whole call) ${g}`);
  }
}
(async () => {
  await runs('no-world', Number(process.env.PRE ?? 3));
  const { env, fleets } = await buildScaleWorld(root, Number(process.env.FLEETS ?? 2000));
  limitAwsCalls(env.clients, new AwsRateBudgets(env.clock));
  env.ownershipCache.observations = resyncObservations(env.clients, { logger: env.logger, sleep: (ms) => env.clock.sleep(ms), nowMs: () => env.clock.nowMs(), knownTags: (k) => env.ownershipCache.tags.has(k) });
  if (process.env.PASSES !== '0') await scalePasses(env, fleets, () => {});
  if (process.env.SWAP === '1') await swapUnderLoad(env, fleets, () => {});
  global.gc?.(); console.log('world live heap after gc', heap(), 'MB; next sim timer', env.clock.nextTimerAt(), 'active handles', process._getActiveHandles().length);
  await runs('world', Number(process.env.POST ?? 3));
  console.log('still alive:', fleets.length);
})();

/**
 * RSS of `npm run bench -- scale` (issue 14), measured in a process of its own that loads only
 * what a daemon on the simulated account loads (drover, the SDK clients, the sim), started with
 * the V8 flags the daemon's image starts with (DAEMON_NODE_FLAGS, as in the Dockerfile): the
 * bench process itself holds every other bench and the 2,000-fleet world of the passes.
 *
 * The child builds the world of `count` fleets, puts the port under the rate budgets with batched
 * observe, and runs the cold and warm passes, so that everything a running daemon keeps per fleet
 * (ownership tags, launch times, remembered answers) is held; then it collects garbage and reports.
 *
 * What holds the memory (measured while writing this, 100 fleets): node itself 39 MB; the six SDK
 * clients drover uses 80 MB (EC2's alone 73 MB with the shared SDK core: its 2 MB module builds
 * every operation's schema at load); drover, the sim, yaml and ajv about 20 MB; the live heap is
 * 23 MB of a 74 MB heap, 32 MB of which is V8's young generation at its default 16 MB semi-space.
 * `--max-semi-space-size=4` gives that back (a scavenge every 4 MB instead of 16 MB).
 * At 2,000 fleets the live heap after a pass is ~120 MB (about half of it the simulated account's
 * state), but V8 let garbage pile up to ~370 MB during the cold pass before collecting: 480 MB RSS.
 * `--optimize-for-size` makes it collect early (peak ~135 MB, 225 MB RSS) for ~40 % more CPU in
 * that pass (23 -> 33 CPU s for the cold pass at 2,000 fleets; a steady pass is ~1.3 CPU s).
 */
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { limitAwsCalls } from '../aws/rate-limit';
import { AwsRateBudgets } from '../aws/rate-budgets';
import { resyncObservations } from '../providers/observe';
import { buildScaleWorld } from './scale-world';
import { resyncPass } from './scale-pass';

/** The daemon image's node flags (Dockerfile ENTRYPOINT). */
export const DAEMON_NODE_FLAGS = ['--max-semi-space-size=4', '--optimize-for-size'];

export interface ScaleRss {
  fleets: number;
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  modules: number;
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** In the child: build, pass twice, report one JSON line on stdout. */
async function measure(root: string, count: number): Promise<ScaleRss> {
  const gc = () => (globalThis as { gc?: () => void }).gc?.();
  const { env, fleets } = await buildScaleWorld(root, count);
  gc(); // the world's JSON copies are garbage now; a daemon never holds them
  limitAwsCalls(env.clients, new AwsRateBudgets(env.clock));
  env.ownershipCache.observations = resyncObservations(env.clients, { logger: env.logger, sleep: (ms) => env.clock.sleep(ms), nowMs: () => env.clock.nowMs(), knownTags: (k) => env.ownershipCache.tags.has(k) });
  await resyncPass(env, fleets);
  env.sim.calls.length = 0;
  gc();
  env.sim.advance(300_000);
  await resyncPass(env, fleets);
  env.sim.calls.length = 0; // the simulated account's log of every call it answered: the sim's memory, not a daemon's
  gc();
  const m = process.memoryUsage();
  return { fleets: count, rssMb: mb(m.rss), heapUsedMb: mb(m.heapUsed), heapTotalMb: mb(m.heapTotal), modules: Object.keys(require.cache).length };
}

/** RSS of a daemon-like process with `count` steady fleets, measured in a child process. */
export function scaleRss(root: string, count: number): ScaleRss {
  // Under ts-jest this file is TypeScript: the child runs the built copy (the caller builds dist/ first).
  const script = __filename.endsWith('.ts') ? path.join(root, 'dist', 'bench', 'scale-rss.js') : __filename;
  const out = execFileSync(process.execPath, ['--expose-gc', ...DAEMON_NODE_FLAGS, script, root, String(count)], {
    encoding: 'utf8',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ScaleRss;
}

if (require.main === module) {
  measure(process.argv[2], Number(process.argv[3])).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (err) => {
      process.stderr.write(`scale rss: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exit(1);
    },
  );
}

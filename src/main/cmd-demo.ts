import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { createLogger } from '../log/create-logger';
import { commandContext, UsageError, writeOut, type CommandContext } from './cli-support';
import { createDemoWorld } from './demo-world';
import { tellStory, FLEET } from './demo-story';

const EXAMPLE = path.resolve(__dirname, '../../manifests/examples/magento-marketplace.yaml');
/** Virtual seconds per real second: the story's ~2 virtual hours (keepPrevious is 1h) in about two minutes. */
const DEFAULT_SPEED = 60;

/** The demo's own state directory, ./.drover-demo, unless the user named one. */
function demoContext(ctx: CommandContext): CommandContext {
  if (ctx.global.stateDir || process.env.DROVER_STATE_DIR) return ctx;
  return { ...ctx, stateDir: path.resolve(DEMO_STATE_DIR) };
}

export const DEMO_STATE_DIR = '.drover-demo';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('play the whole story on the simulated account: converge, merge -> bake -> blue/green, scale out and in, a bad commit rolled back, a canary stopped by its analysis')
    .option('--once', 'play it non-interactively as fast as possible; exit 0 only if every step\'s check held')
    .option('--speed <n>', `virtual seconds per real second (default ${DEFAULT_SPEED}; with --once, as fast as possible)`)
    .option('--listen <addr>', 'where the daemon serves its API and the GitLab relay', '127.0.0.1:7390')
    .option('-f, --file <file>', 'the fleet manifest to play on', EXAMPLE)
    .addHelpText(
      'after',
      `
The demo runs the real daemon (SQS intake, webhook relay, lifecycle hooks, deployments) on a fresh simulated
account in its own state directory (./.drover-demo unless --state-dir or DROVER_STATE_DIR says otherwise, so it
never mixes with what you apply in ./.drover), and in a second terminal you can watch it live:
  $ drover get fleets --watch
  $ drover describe fleet ${FLEET}
  $ drover rollout status ${FLEET} --watch

Examples:
  $ drover demo
  $ drover demo --once            # CI smoke test`,
    )
    .action(async (flags: { once?: boolean; speed?: string; listen: string; file: string }, cmd: Command) => {
      const ctx = demoContext(commandContext(cmd));
      const speed = flags.speed === undefined ? (flags.once ? undefined : DEFAULT_SPEED) : Number(flags.speed);
      if (speed !== undefined && !(speed > 0)) throw new UsageError(`--speed: "${flags.speed}" is not a positive number`);
      if (!fs.existsSync(flags.file)) throw new UsageError(`-f: ${flags.file} does not exist`);
      // The story is the narration; the daemon's own records go to a log file in the state directory.
      fs.mkdirSync(ctx.stateDir, { recursive: true });
      const logFile = path.join(ctx.stateDir, 'demo.log');
      const logger = createLogger({ level: 'info', format: 'json', destination: fs.createWriteStream(logFile) });
      const started = Date.now();
      writeOut(`drover demo: a Magento marketplace on a simulated AWS account (state in ${ctx.stateDir}, daemon log in ${logFile})`);
      const world = await createDemoWorld({ stateDir: ctx.stateDir, manifest: flags.file, listen: flags.listen, logger, ...(speed ? { speed } : {}) });
      writeOut(`daemon API and GitLab relay on ${world.daemon.http?.url}; watch with: drover get fleets --watch --state-dir ${ctx.stateDir}`);
      let results;
      try {
        results = await tellStory(world, { line: writeOut });
      } finally {
        await world.stop();
      }
      const failed = results.filter((r) => !r.ok);
      writeOut(`\n${results.length - failed.length} of ${results.length} steps held (${((Date.now() - started) / 1000).toFixed(1)} s real time)`);
      for (const f of failed) writeOut(`  failed: ${f.title}: ${f.detail}`);
      process.exitCode = failed.length ? 1 : 0;
    });
}

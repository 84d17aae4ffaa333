/** The rollout control subcommands (pause, resume, promote, abort, retry); undo lives beside status in cmd-rollout.ts. */
import type { Command } from 'commander';
import { outputOption } from './cli-support';
import type { ControlFlags } from './rollout-control-run';

const EXAMPLE_FLEET = 'magento-marketplace';

const CONTROLS = [
  { name: 'pause', description: 'hold the deployment in progress: a blue/green swap before cut-over (green healthy, blue still serving), a canary before its next step, a rolling update between batches' },
  { name: 'resume', description: 'lift a pause: a swap checks green again and cuts over, a canary goes on with its steps, a rolling update with its batches' },
  { name: 'promote', description: 'skip the pause, soak or keepPrevious wait of the swap in progress, or the pauses of a canary (--full: every remaining one)' },
  { name: 'abort', description: 'return traffic to blue: roll the deployment in progress back, capacity never below desired' },
  { name: 'retry', description: 'deploy again the image of the last deployment, which failed or was rolled back (lifts the "not retried" block)' },
] as const;

export function registerControlCommands(rollout: Command): void {
  for (const c of CONTROLS) {
    const sub = rollout
      .command(c.name)
      .description(c.description)
      .argument('[fleet]', 'fleet name (or select fleets with -l)');
    addControlTargetOptions(sub);
    if (c.name === 'promote') sub.option('--full', 'skip every remaining wait, not only the next one');
    sub
      .addHelpText('after', `\nRecorded as a fact on the fleet (shown in 'drover events'); the daemon acts on it within seconds, or the next 'drover apply --wait' does. Asking twice records it once.\nWith -l, every fleet whose labels match; exit 1 when none matches, or when any had nothing to ${c.name} (the others are still recorded).\nExit 1 when there is nothing to ${c.name}.\n\nExamples:\n  $ drover rollout ${c.name} ${EXAMPLE_FLEET}\n  $ drover rollout ${c.name} -l team=shop -o name`)
      .action(async (fleet: string | undefined, flags: ControlFlags & { full?: boolean }, cmd: Command) => {
        const { runControl } = await import('./rollout-control-run');
        await runControl(cmd, c.name, fleet, flags, flags.full ? { full: true } : {});
      });
  }
}

/** `-l` and `-o` of every control (undo included). */
export function addControlTargetOptions(cmd: Command): Command {
  return cmd
    .option('-l, --selector <selector>', 'act on every fleet whose labels match, e.g. team=shop,tier!=internal (instead of a name)')
    .addOption(outputOption(['table', 'json', 'yaml', 'name'], 'output format: table, json, yaml (the facts recorded, a RolloutControlList), name (fleet/NAME per fleet acted on)'));
}

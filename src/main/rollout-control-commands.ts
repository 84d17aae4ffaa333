/** The rollout control subcommands (pause, resume, promote, abort, retry); undo lives beside status in cmd-rollout.ts. */
import type { Command } from 'commander';

const EXAMPLE_FLEET = 'magento-marketplace';

const CONTROLS = [
  { name: 'pause', description: 'hold the blue/green swap in progress before cut-over: green healthy, blue still serving' },
  { name: 'resume', description: 'lift a pause: the swap checks green again and cuts over' },
  { name: 'promote', description: 'skip the remaining pause, soak or keepPrevious wait of the swap in progress (--full: every remaining one)' },
  { name: 'abort', description: 'return traffic to blue: roll the deployment in progress back, capacity never below desired' },
  { name: 'retry', description: 'deploy again the image of the last deployment, which failed or was rolled back (lifts the "not retried" block)' },
] as const;

export function registerControlCommands(rollout: Command): void {
  for (const c of CONTROLS) {
    const sub = rollout
      .command(c.name)
      .description(c.description)
      .argument('<fleet>', 'fleet name');
    if (c.name === 'promote') sub.option('--full', 'skip every remaining wait, not only the next one');
    sub
      .addHelpText('after', `\nRecorded as a fact on the fleet (shown in 'drover events'); the daemon acts on it within seconds, or the next 'drover apply --wait' does. Asking twice records it once.\nExit 1 when there is nothing to ${c.name}.\n\nExample:\n  $ drover rollout ${c.name} ${EXAMPLE_FLEET}`)
      .action(async (fleet: string, flags: { full?: boolean }, cmd: Command) => {
        const { requestControl } = await import('./rollout-control');
        await requestControl(cmd, c.name, fleet, flags.full ? { full: true } : {});
      });
  }
}

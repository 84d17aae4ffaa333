import { Command } from 'commander';
import { commandContext, didYouMean, UsageError } from './cli-support';
import { loadFleetsOrExit, runAndReport } from './cmd-apply';

/** `drover bake FLEET --commit SHA`: what a merge to the fleet's branch does, by hand. */
export function registerBakeCommand(program: Command): void {
  program
    .command('bake')
    .description('bake an AMI from a commit with the fleet\'s bake recipe, then roll it out (what a GitLab merge triggers)')
    .argument('<fleet>', 'fleet name (from the manifests given with -f, or last applied)')
    .requiredOption('--commit <sha>', 'the commit to build (7 to 40 hex characters)')
    .option('-f, --file <file...>', 'Fleet manifest file(s); defaults to the files last applied')
    .option('--wait', 'wait until the bake and the rollout end (with --sim, in virtual time)')
    .addHelpText(
      'after',
      `
A builder instance starts from the recipe's base AMI, runs the build script with DROVER_COMMIT, DROVER_REPOSITORY
and DROVER_BRANCH set, and is imaged when the build succeeds. The builder is terminated on every path. A commit
that was baked before reuses its AMI. The new AMI then rolls out with the fleet's deploy strategy.

Examples:
  $ drover bake magento-marketplace --commit 4f2a9c1e --sim --wait
  $ drover sim build-result 4f2a9c1e --fail "composer: dependency conflict" && drover bake magento-marketplace --commit 4f2a9c1e --sim --wait`,
    )
    .action(async (fleetName: string, flags: { commit: string; file?: string[]; wait?: boolean }, cmd: Command) => {
      const ctx = commandContext(cmd);
      if (!/^[0-9a-f]{7,40}$/i.test(flags.commit)) throw new UsageError(`--commit: "${flags.commit}" is not a commit sha (7 to 40 hex characters)`);
      const fleets = loadFleetsOrExit(ctx, flags.file);
      if (!fleets) return;
      const fleet = fleets.find((f) => f.name === fleetName);
      const names = fleets.map((f) => f.name);
      if (!fleet) throw new UsageError(`fleet "${fleetName}" is not in the manifests${didYouMean(fleetName, names)} (found: ${names.join(', ')})`);
      if (!fleet.image.bake) throw new UsageError(`fleet "${fleetName}" has no image.bake recipe in its manifest`);
      const commit = flags.commit.toLowerCase();
      await runAndReport(ctx, [fleet], {
        apply: true,
        wait: !!flags.wait,
        before: (reconciler) => reconciler.requestBake(fleet, { sha: commit, at: new Date().toISOString() }),
      });
    });
}

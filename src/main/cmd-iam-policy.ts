import { Command } from 'commander';
import { loadManifestFile } from '../manifest';
import { renderIamPolicies } from '../security/iam-policy';
import { ManifestError, formatProblem } from '../util/errors';
import { UsageError, writeOut } from './cli-support';

export function registerIamPolicyCommand(program: Command): void {
  program
    .command('iam-policy')
    .description('print least-privilege IAM policies for the daemon and for the webhook relay, as JSON')
    .option('-f, --file <file...>', 'Fleet manifests: scope ARNs to these fleets, regions and queues')
    .option('--account-id <id>', 'AWS account id to put in ARNs (default: * )')
    .option('--region <region>', 'region to put in ARNs when no manifest is given (default: * )')
    .addHelpText(
      'after',
      `
The daemon policy allows exactly the AWS commands drover sends (src/aws/commands.ts). Mutations are
conditioned on the drover:managed-by tag where AWS supports it, and on ARNs elsewhere. Attach it inline
to the daemon's role (it is larger than a managed policy allows).

Examples:
  $ drover iam-policy -f manifests/examples/magento-marketplace.yaml --account-id 123456789012 > policy.json
  $ drover iam-policy | jq .webhookRelay`,
    )
    .action((flags: { file?: string[]; accountId?: string; region?: string }) => {
      if (flags.accountId !== undefined && !/^\d{12}$/.test(flags.accountId)) {
        throw new UsageError(`--account-id: "${flags.accountId}" is not a 12-digit AWS account id`);
      }
      const fleets = [];
      for (const file of flags.file ?? []) {
        try {
          fleets.push(...loadManifestFile(file));
        } catch (err) {
          if (!(err instanceof ManifestError)) throw err;
          for (const p of err.problems) process.stderr.write(`${formatProblem(p)}\n`);
          process.exitCode = 2;
          return;
        }
      }
      const scopes = fleets.map((f) => ({ name: f.name, region: f.region, loadBalancerName: f.loadBalancer.name, queue: f.events?.queue }));
      writeOut(renderIamPolicies({ fleets: scopes.length ? scopes : undefined, accountId: flags.accountId, region: flags.region }));
    });
}

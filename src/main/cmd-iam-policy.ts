import { Command } from 'commander';
import { loadManifestFile } from '../manifest';
import { renderIamPolicies } from '../security/iam-policy';
import { StateUrlError } from '../state/errors';
import { resolveStateLocation } from '../state/url';
import { ManifestError, formatProblem } from '../util/errors';
import { UsageError, writeOut } from './cli-support';

export function registerIamPolicyCommand(program: Command): void {
  program
    .command('iam-policy')
    .description('print least-privilege IAM policies for the daemon and for the webhook relay, as JSON')
    .option('-f, --file <file...>', 'Fleet manifests: scope ARNs to these fleets, regions and queues')
    .option('--account-id <id>', 'AWS account id to put in ARNs (default: * )')
    .option('--region <region>', 'region to put in ARNs when no manifest is given (default: * )')
    .option('--state <url>', 'state location (default: $DROVER_STATE); dynamodb://TABLE[?region=R] adds the state table policies')
    .addHelpText(
      'after',
      `
The daemon policy allows exactly the AWS commands drover sends (src/aws/commands.ts). Mutations are
conditioned on the drover:managed-by tag where AWS supports it, and on ARNs elsewhere. Attach it inline
to the daemon's role (it is larger than a managed policy allows).

With --state dynamodb://TABLE (or DROVER_STATE), two more documents, scoped to the table's ARN
arn:aws:dynamodb:REGION:ACCOUNT:table/TABLE (REGION from ?region=, else the fleets' one region or
--region, else *). They are separate documents because the daemon policy is near IAM's 10,240-character
limit for all of a role's inline policies together; attach them as customer managed policies:
  stateTable      every replica's role: GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, DescribeTable
  stateTableInit  only for whoever runs \`drover state init\` once: CreateTable, UpdateTimeToLive,
                  DescribeTable, TagResource (CreateTable sends the drover:purpose tag)

Examples:
  $ drover iam-policy -f manifests/examples/magento-marketplace.yaml --account-id 123456789012 > policy.json
  $ drover iam-policy | jq .webhookRelay
  $ drover iam-policy --state dynamodb://drover-state?region=eu-west-1 --account-id 123456789012 | jq .stateTable`,
    )
    .action((flags: { file?: string[]; accountId?: string; region?: string; state?: string }, command: Command) => {
      if (flags.accountId !== undefined && !/^\d{12}$/.test(flags.accountId)) {
        throw new UsageError(`--account-id: "${flags.accountId}" is not a 12-digit AWS account id`);
      }
      let state;
      try {
        // drover's global --state takes the flag before this command sees it.
        state = resolveStateLocation(flags.state ?? (command.parent?.opts() as { state?: string } | undefined)?.state);
      } catch (err) {
        if (err instanceof StateUrlError) throw new UsageError(err.message);
        throw err;
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
      writeOut(renderIamPolicies({ fleets: scopes.length ? scopes : undefined, accountId: flags.accountId, region: flags.region, state }));
    });
}

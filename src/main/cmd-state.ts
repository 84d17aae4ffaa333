/**
 * `drover state init`: create where fleet state lives. For `--state dynamodb://TABLE` (or
 * DROVER_STATE) that is the shared table replicas use (on-demand billing, TTL on `ttl` for
 * dedupe items and old lifecycle claims); `-o yaml` prints the same table as CloudFormation
 * instead, touching nothing. A state directory needs no set-up.
 */
import { Command } from 'commander';
import { commandContext, parseOutputFlag, UsageError, writeOut } from './cli-support';
import { openCliState, stateLocation } from './cli-state';

export function registerStateCommands(program: Command): void {
  const state = program.command('state').description('set up where fleet state lives: a state directory, or a DynamoDB table shared by replicas');
  state
    .command('init')
    .description('create the state table named by --state dynamodb://TABLE (or DROVER_STATE); -o yaml prints its CloudFormation instead')
    .option('-o, --output <format>', 'text (create the table now) or yaml (print a CloudFormation template, create nothing)')
    .addHelpText(
      'after',
      `
The table: on-demand billing (PAY_PER_REQUEST), string keys pk/sk, DynamoDB TTL on the attribute
"ttl" (expired message-dedupe items and old lifecycle-action claims go by themselves). Creating it
twice changes nothing. AWS_ENDPOINT_URL_DYNAMODB is honoured (e.g. a local DynamoDB). The role that
runs this needs the stateTableInit policy of 'drover iam-policy --state dynamodb://TABLE'.

Examples:
  $ drover state init --state dynamodb://drover-state?region=eu-west-1
  $ drover state init --state dynamodb://drover-state -o yaml > drover-state.cfn.yaml
  $ DROVER_STATE=dynamodb://drover-state drover daemon -f manifests/`,
    )
    .action(async (flags: { output?: string }, cmd: Command) => {
      const output = parseOutputFlag(flags.output ?? 'text', ['text', 'yaml']);
      const ctx = commandContext(cmd);
      const location = stateLocation(ctx);
      if (output === 'yaml') {
        if (location?.kind !== 'dynamodb') throw new UsageError('-o yaml prints the CloudFormation of a state table: pass --state dynamodb://TABLE (or set DROVER_STATE)');
        const { stateTableCloudFormation } = await import('../state/dynamo/table');
        process.stdout.write(stateTableCloudFormation(location.table));
        return;
      }
      writeOut(await openCliState(ctx).init());
    });
}

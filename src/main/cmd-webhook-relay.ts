/**
 * `drover webhook-relay`: a small HTTP endpoint for GitLab webhooks that authenticates them and
 * puts them on the event queue, deciding nothing (the daemon decides, from the queue). Run it
 * where GitLab can reach it; the daemon can also serve it itself (--webhook-token-file).
 */
import { Command } from 'commander';
import { createAwsPort } from '../aws/clients';
import { sqsEventQueue } from '../providers/events/queue';
import { installShutdown } from '../controllers/queue/shutdown';
import { loadWebhookToken, startWebhookRelay } from '../controllers/intake/webhook-relay';
import { commandContext, UsageError } from './cli-support';

interface RelayFlags {
  listen: string;
  queue: string;
  tokenFile?: string;
}

export function registerWebhookRelayCommand(program: Command): void {
  program
    .command('webhook-relay')
    .description('receive GitLab webhooks (X-Gitlab-Token checked) and put merge and push events on the event queue')
    .requiredOption('--listen <addr>', 'host:port to listen on, e.g. 0.0.0.0:8080')
    .requiredOption('--queue <name-or-url>', 'the event queue the daemon polls')
    .option('--token-file <file>', 'file holding the shared webhook token (default: $DROVER_WEBHOOK_TOKEN)')
    .addHelpText(
      'after',
      `
GitLab: Settings > Webhooks, URL http://HOST:PORT/, secret token = the token, triggers "Push events" and
"Merge request events". Answers 202 once queued, 401 on a wrong token, 413 on an oversized body.

Example:
  $ DROVER_WEBHOOK_TOKEN=... drover webhook-relay --listen 0.0.0.0:8080 --queue drover-events`,
    )
    .action((flags: RelayFlags, cmd: Command) => runRelay(flags, cmd));
}

async function runRelay(flags: RelayFlags, cmd: Command): Promise<void> {
  const ctx = commandContext(cmd);
  if (ctx.global.sim) {
    throw new UsageError('webhook-relay: with --sim, let the daemon serve the relay (drover daemon --sim --webhook-token-file F), so one process owns the simulated account');
  }
  const token = loadWebhookToken({ file: flags.tokenFile, env: process.env });
  const clients = createAwsPort();
  const sender = sqsEventQueue(clients.sqs);
  const queueUrl = await sender.resolveUrl(flags.queue);
  const relay = await startWebhookRelay(flags.listen, { sender, queueUrl, token, logger: ctx.logger });
  process.stderr.write(`drover: webhook relay listening on ${relay.url}, queueing to ${queueUrl}\n`);
  await new Promise<void>((resolve) => {
    installShutdown({
      logger: ctx.logger,
      stop: async () => {
        await relay.close();
        clients.destroy();
      },
      exit: (code) => (code === 0 ? resolve() : process.exit(code)),
    });
  });
}

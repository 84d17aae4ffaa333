/**
 * `drover sim serve`: one process serves the state directory's simulated account on loopback
 * (src/sim/server.ts), so several daemons and CLI commands act on one account. Clients find it
 * with DROVER_SIM_URL (or, for `drover sim …` on the same state directory, by sim/server.json).
 * The server holds the state directory's lock and saves the account write-through, as a
 * `daemon --sim` does; SIGINT/SIGTERM close it, save, and exit 0.
 */
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { parseListen } from '../controllers/intake/webhook-relay';
import { startSimServer } from '../sim/server';
import { commandContext, UsageError, writeOut } from './cli-support';
import { openSimAccount, simAccountFile } from './runtime';
import { simServerFile, simServerUrl, SIM_URL_ENV, type ServedAt } from './sim-url';
import { writeJsonAtomic } from './state-dir';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

interface ServeFlags {
  listen: string;
  speed: string;
  fresh?: boolean;
}

export function registerSimServeCommand(sim: Command): void {
  sim
    .command('serve')
    .description('serve the simulated account on loopback so several drover processes (daemons, commands) share it; prints its URL')
    .addOption(new Option('--listen <addr>', 'loopback host:port (port 0: any free port)').default('127.0.0.1:0'))
    .addOption(new Option('--speed <n>', 'virtual seconds per real second; 0: time moves only when a command waits or on `drover sim advance`').default('1'))
    .option('--fresh', 'start from a new, empty simulated account')
    .addHelpText(
      'after',
      `
Prints one line, the URL (http://127.0.0.1:PORT). Point other drover processes at it with
${SIM_URL_ENV}=URL: their real SDK clients then send every command to this account (drover's own JSON
protocol, errors keep their AWS codes), and their clocks follow its virtual clock. \`drover sim …\` on
this state directory finds the server by itself. The server holds the state directory's lock: run
daemons against it with their own --state-dir.

Examples:
  $ drover sim serve --speed 30 --state-dir /tmp/account &
  $ ${SIM_URL_ENV}=http://127.0.0.1:41234 drover daemon -f manifests/examples --state-dir /tmp/replica-1
  $ ${SIM_URL_ENV}=http://127.0.0.1:41234 drover sim call SQS ListQueues`,
    )
    .action((flags: ServeFlags, cmd: Command) => serve(flags, cmd));
}

async function serve(flags: ServeFlags, cmd: Command): Promise<void> {
  const ctx = commandContext(cmd);
  if (simServerUrl()) throw new UsageError(`sim serve: ${SIM_URL_ENV} is set; unset it to serve an account (a server does not forward to another)`);
  const speed = Number(flags.speed);
  if (!(speed >= 0) || !Number.isFinite(speed)) throw new UsageError(`--speed: "${flags.speed}" is not a non-negative number`);
  let listen: { host: string; port: number };
  try {
    listen = parseListen(flags.listen);
  } catch {
    throw new UsageError(`--listen: "${flags.listen}" is not host:port`);
  }
  if (!LOOPBACK.has(listen.host)) throw new UsageError(`--listen: "${flags.listen}": the simulated account is served on loopback only (127.0.0.1, ::1 or localhost)`);

  const account = openSimAccount(ctx.stateDir, !!flags.fresh);
  const file = simAccountFile(ctx.stateDir);
  account.persistTo(file);
  const logger = ctx.logger;
  const server = await startSimServer({
    account,
    host: listen.host,
    port: listen.port,
    speed,
    onError: (err) => logger.error({ component: 'sim', err: String(err) }, `simulated account: ${(err as Error).message ?? String(err)}`),
  });
  const servedAt: ServedAt = { url: server.url, pid: process.pid };
  writeJsonAtomic(simServerFile(ctx.stateDir), servedAt);
  writeOut(server.url);

  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().finally(() => {
        account.save(file);
        fs.rmSync(simServerFile(ctx.stateDir), { force: true });
        resolve();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

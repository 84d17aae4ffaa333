/**
 * `drover dashboard`: the daemon's read-only web page served from a state directory alone.
 * It reads status files only and never takes the state directory's lock.
 */
import * as fs from 'node:fs';
import { Command, Option } from 'commander';
import { parseListen } from '../controllers/intake/webhook-relay';
import { installShutdown } from '../controllers/queue/shutdown';
import { statusNow } from '../server/api-routes';
import { startDashboardServer } from '../server/dashboard-server';
import { FileStatusStore } from '../status/status-store';
import { commandContext, parseDurationFlag, UsageError } from './cli-support';
import { openCliState, stateLocation } from './cli-state';
import { resolveStateDir, statePath } from './state-dir';

interface DashboardFlags {
  state?: string;
  listen: string;
  poll: string;
}

export const DASHBOARD_LISTEN = '127.0.0.1:8080';

export function registerDashboardCommand(program: Command): void {
  program
    .command('dashboard')
    .description('serve the read-only web dashboard (fleets, the running deployment, events) from a state directory, no daemon needed')
    .addOption(new Option('--state <dir-or-url>', 'state to read: a directory, or dynamodb://TABLE (default: $DROVER_STATE, --state-dir, $DROVER_STATE_DIR or ./.drover)'))
    .option('--listen <addr>', 'host:port to serve on; keep it on loopback unless a proxy adds authentication', DASHBOARD_LISTEN)
    .option('--poll <duration>', 'how often the page refreshes (the page can change it; ?poll=SECONDS in the URL too)', '5s')
    .addHelpText(
      'after',
      `
What the page shows: every fleet with its phase, READY count, conditions and AGE; the running
deployment (or the one you pick) with its step, blue and green capacity, traffic weight and analysis
when the strategy has them, and its timeline picture growing; the newest events. It refreshes on its
own, says "Stale" when a refresh fails, and works with the keyboard alone.

A running daemon serves the same page at its --listen address (http://127.0.0.1:7390/ by default);
this command serves it where no daemon runs, e.g. on a copy of the state directory. It only reads
<state>/status/*.json (and with --sim the simulated account's clock, so ages are in virtual time): it
never takes the state directory's lock, so it runs beside a daemon.
Nothing on the page changes anything. The data is also at /api/v1/fleets, /api/v1/fleets/NAME,
/api/v1/fleets/NAME/timeline.svg and /api/v1/events.

Examples:
  $ drover dashboard --state .drover
  $ drover dashboard --sim --state .drover          # beside 'drover daemon --sim'
  $ drover dashboard --state /var/lib/drover --listen 127.0.0.1:9000 --poll 2s
  $ drover dashboard --state dynamodb://drover-state   # the replicas' shared table
  $ ssh -L 8080:127.0.0.1:8080 deploy-host drover dashboard --state /var/lib/drover`,
    )
    .action((flags: DashboardFlags, cmd: Command) => runDashboard(flags, cmd));
}

function listenFlag(value: string): { host: string; port: number } {
  try {
    return parseListen(value);
  } catch {
    throw new UsageError(`--listen: "${value}" is not host:port (e.g. 127.0.0.1:8080)`);
  }
}

/**
 * The simulated account's clock as last saved (`nowMs`, the file's second key: only its head is
 * read), or undefined when there is no readable account.
 */
export function savedSimNow(file: string): Date | undefined {
  let head = '';
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(256);
      head = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const m = /^\{"format":"drover-sim\/v1","nowMs":(\d+)[,}]/.exec(head);
  return m ? new Date(Number(m[1])) : undefined;
}

async function runDashboard(flags: DashboardFlags, cmd: Command): Promise<void> {
  const ctx = commandContext(cmd);
  const location = stateLocation(ctx, flags.state);
  const stateDir = location?.kind === 'dir' ? resolveStateDir(location.dir) : ctx.stateDir;
  const { host, port } = listenFlag(flags.listen);
  const pollSeconds = parseDurationFlag('--poll', flags.poll);
  if (pollSeconds < 1) throw new UsageError(`--poll: "${flags.poll}" is too short (at least 1s)`);
  if (location?.kind !== 'dynamodb' && !fs.statSync(stateDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`state directory ${stateDir} does not exist; pass --state DIR, the directory a daemon or apply writes (its status/ holds the fleets)`);
  }
  const warn = (m: string) => process.stderr.write(`drover: warning: ${m}\n`);
  const state = openCliState(ctx, flags.state).store;
  const statusStore = new FileStatusStore(state, { warn });
  await statusStore.list(); // a missing table or unreadable state is said now, not on the first page load
  // runtime.ts's simAccountFile, without loading the SDK and the simulator to read one number.
  const simFile = statePath(stateDir, 'sim', 'account.json');
  // With --sim, ages run on the simulated account's clock; else on real time (or the newest write, if later).
  const now = ctx.global.sim ? async () => savedSimNow(simFile) ?? statusNow(await statusStore.list()) : undefined;
  const server = await startDashboardServer({
    host,
    port,
    statusStore,
    ...(now ? { now } : {}),
    page: { pollMs: pollSeconds * 1000, source: location?.kind === 'dynamodb' ? state.where : `state directory ${stateDir}` },
    onError: (path, err) => warn(`serving ${path}: ${(err as Error)?.message ?? err}`),
  });
  process.stderr.write(`drover: dashboard on ${server.url}/ (read-only, ${location?.kind === 'dynamodb' ? state.where : `state directory ${stateDir}`}); Ctrl-C stops it\n`);
  await new Promise<void>((resolve) => {
    installShutdown({
      logger: ctx.logger,
      stop: () => server.close(),
      exit: (code) => (code === 0 ? resolve() : process.exit(code)),
    });
  });
}

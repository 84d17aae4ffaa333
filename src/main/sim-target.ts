/**
 * The account `drover sim …` acts on: the served one (DROVER_SIM_URL, or the server running on
 * this state directory, found by its sim/server.json), else the one saved in the state directory,
 * loaded under the directory's lock and saved after. One interface, so each subcommand is written once.
 */
import { RemoteSim } from '../sim/remote';
import type { ControlMethod } from '../sim/server';
import { openSimAccount, simAccountFile } from './runtime';
import { discoverSimServer, SIM_URL_ENV, simServerUrl } from './sim-url';
import { StateDirInUse } from './state-lock';

export interface SimTarget {
  /** The served account's URL, when it is served. */
  url?: string;
  dispatch(service: string, operation: string, input: unknown): Promise<any>;
  /** Move the clock forward; the new virtual time. */
  advance(ms: number): Promise<Date>;
  control(method: ControlMethod, ...args: unknown[]): Promise<unknown>;
  /** Save the local account / close the connection. */
  done(): void;
}

export async function openSimTarget(stateDir: string): Promise<SimTarget> {
  const url = simServerUrl() ?? discoverSimServer(stateDir);
  if (url) {
    const remote = await RemoteSim.connect(url);
    return {
      url,
      dispatch: (s, o, i) => remote.call(s, o, i),
      advance: async (ms) => new Date(await remote.advance(ms)),
      control: (m, ...a) => remote.control(m, ...a),
      done: () => remote.close(),
    };
  }
  const account = openLocked(stateDir);
  return {
    dispatch: (s, o, i) => account.dispatch(s, o, i),
    advance: async (ms) => {
      account.advance(ms);
      return account.clock.now();
    },
    control: async (m, ...a) => (account[m] as (...args: unknown[]) => unknown).apply(account, a),
    done: () => account.save(simAccountFile(stateDir)),
  };
}

/** The saved account under the lock; refused while another process holds it, saying how to share one. */
function openLocked(stateDir: string): ReturnType<typeof openSimAccount> {
  try {
    return openSimAccount(stateDir, false);
  } catch (err) {
    if (!(err instanceof StateDirInUse)) throw err;
    throw new StateDirInUse(`${err.message} (for several processes on one simulated account, run 'drover sim serve' and set ${SIM_URL_ENV} to its URL)`);
  }
}

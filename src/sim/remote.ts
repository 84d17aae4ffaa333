/**
 * A client of `drover sim serve` (server.ts): the SDK plugin that forwards each command to the
 * served account, a mirror of the account's virtual clock, and the scenario controls.
 *
 * The plugin sits where the in-process plugin (plugin.ts) sits, at the `initialize` step, so the
 * same middleware (drover's call recorder) runs before it. Each answer carries the account's
 * time; the mirror clock moves to it, firing this process's timers in order. A process that
 * waits on its clock without calling (a daemon's deployment actors) runs `follow()`, which keeps
 * the mirror in step; a command that backs off calls `pass()`, which lets time pass (and, on a
 * server with speed 0, makes it pass).
 */
import { spawnSync } from 'node:child_process';
import * as http from 'node:http';
import { VirtualClock } from '../util/clock';
import type { ControlMethod } from './server';
import { errorFromWire, fromWire, toWire, WIRE_PREFIX, type WireError } from './wire';

export const REMOTE_SIM_MIDDLEWARE_NAME = 'droverSim';

interface ClockAnswer {
  nowMs: number;
  speed: number;
}

/** The served account is not there, or answered something that is not the protocol. */
export class SimServerUnreachable extends Error {}

export class RemoteSim {
  /** This process's copy of the account's clock; it only moves forward, to times the server sent. */
  readonly clock: VirtualClock;
  /** Virtual ms per real ms on the server; 0: time moves only when asked. */
  readonly speed: number;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private following = false;

  private constructor(readonly url: string, first: ClockAnswer) {
    this.clock = new VirtualClock(first.nowMs);
    this.speed = first.speed;
  }

  static async connect(url: string): Promise<RemoteSim> {
    const probe = new RemoteSim(url, { nowMs: 0, speed: 0 });
    const first = await probe.request<ClockAnswer>('GET', '/clock');
    probe.close();
    return new RemoteSim(url, checkClock(url, first));
  }

  /** For synchronous composition roots (openRuntime): one blocking read of the clock in a child node. */
  static connectSync(url: string): RemoteSim {
    const script = `fetch(process.argv[1]).then(async (r) => { process.stdout.write(String(r.status) + ' ' + (await r.text())); }, (e) => { process.stdout.write('0 ' + String(e.cause?.code ?? e.message)); });`;
    const out = spawnSync(process.execPath, ['-e', script, `${url}${WIRE_PREFIX}/clock`], { encoding: 'utf8', timeout: 15_000 });
    const text = out.stdout ?? '';
    const space = text.indexOf(' ');
    const status = Number(text.slice(0, space));
    const body = text.slice(space + 1);
    if (status !== 200) throw unreachable(url, !text ? `no answer${out.error ? `: ${out.error.message}` : ''}` : status === 0 ? body : `HTTP ${status}: ${body}`);
    let first: unknown;
    try {
      first = JSON.parse(body);
    } catch {
      throw unreachable(url, `not the simulated account's answer: ${body.slice(0, 80)}`);
    }
    return new RemoteSim(url, checkClock(url, first));
  }

  /** Run one AWS operation on the served account: its output, or the SDK's exception for its error. */
  async call(service: string, operation: string, input: unknown): Promise<any> {
    const answer = await this.request<{ ok: boolean; output?: unknown; error?: WireError; nowMs: number }>('POST', '/call', { service, operation, input: toWire(input ?? {}) });
    this.observe(answer.nowMs);
    if (!answer.ok) throw errorFromWire(service, answer.error!, operation);
    return fromWire(answer.output);
  }

  /** A scenario control on the served account (SimAccount's method of that name). */
  async control<T = unknown>(method: ControlMethod, ...args: unknown[]): Promise<T> {
    const answer = await this.request<{ result: unknown; nowMs: number }>('POST', '/control', { method, args: toWire(args) });
    this.observe(answer.nowMs);
    return fromWire(answer.result) as T;
  }

  async advance(ms: number): Promise<number> {
    const answer = await this.request<ClockAnswer>('POST', '/clock/advance', { ms });
    this.observe(answer.nowMs);
    return answer.nowMs;
  }

  /** Wait until the account's time reaches `untilMs` (or the server's hold ends); `drive` makes it move on a speed-0 server. */
  async waitUntil(untilMs: number, drive: boolean, maxWaitMs?: number): Promise<number> {
    const answer = await this.request<ClockAnswer>('POST', '/clock/wait', { untilMs, drive, ...(maxWaitMs !== undefined ? { maxWaitMs } : {}) });
    this.observe(answer.nowMs);
    return answer.nowMs;
  }

  /**
   * Let `ms` of the account's time pass, stopping at each of this process's timers so the work
   * they wake runs (`settle`) before time moves on: passVirtualTime across processes.
   */
  async pass(ms: number, settle: () => Promise<void>): Promise<void> {
    const until = this.clock.nowMs() + Math.max(0, ms);
    for (;;) {
      await settle();
      const now = this.clock.nowMs();
      if (now >= until) return;
      const next = this.clock.nextTimerAt();
      await this.waitUntil(Math.min(until, next === undefined ? until : Math.max(next, now + 1)), true, 1_000);
    }
  }

  /** Keep the mirror in step with the account until close(): for a process whose timers must fire while it makes no calls. */
  follow(onError: (err: unknown) => void = () => undefined): void {
    if (this.following) return;
    this.following = true;
    const loop = async () => {
      while (this.following) {
        const next = this.clock.nextTimerAt();
        const now = this.clock.nowMs();
        try {
          await this.waitUntil(Math.min(next ?? Infinity, now + 60_000, Number.MAX_SAFE_INTEGER), false, 250);
        } catch (err) {
          if (!this.following) return;
          onError(err);
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    };
    void loop();
  }

  /** The SDK plugin: every command of a client with it goes to the served account. */
  plugin(): { applyToStack(stack: any): void } {
    return {
      applyToStack: (stack: any) => {
        stack.add(
          (_next: unknown, context: { clientName?: string; commandName?: string }) => async (args: { input: unknown }) => {
            const output = await this.call(context.clientName ?? '', context.commandName ?? '', args.input);
            return { output, response: {} };
          },
          { step: 'initialize', name: REMOTE_SIM_MIDDLEWARE_NAME, priority: 'high', override: true },
        );
      },
    };
  }

  /** Stop following and close the connections (the process can then exit). */
  close(): void {
    this.following = false;
    this.agent.destroy();
  }

  private observe(nowMs: number): void {
    if (Number.isFinite(nowMs) && nowMs >= this.clock.nowMs()) this.clock.set(nowMs);
  }

  private request<T>(method: 'GET' | 'POST', route: string, body?: unknown): Promise<T> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const target = new URL(`${WIRE_PREFIX}${route}`, this.url);
    return new Promise<T>((resolve, reject) => {
      const req = http.request(target, { method, agent: this.agent, headers: text ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          let json: any;
          try {
            json = JSON.parse(raw);
          } catch {
            return reject(unreachable(this.url, `${method} ${route}: HTTP ${res.statusCode}, not JSON: ${raw.slice(0, 80)}`));
          }
          if (res.statusCode !== 200) return reject(new SimServerUnreachable(`simulated account at ${this.url}: ${method} ${route}: HTTP ${res.statusCode}: ${json?.error ?? raw}`));
          resolve(json as T);
        });
      });
      req.on('error', (err: NodeJS.ErrnoException) => reject(unreachable(this.url, `${method} ${route}: ${err.code ?? err.message}`)));
      req.end(text);
    });
  }
}

function checkClock(url: string, answer: unknown): ClockAnswer {
  const a = answer as Partial<ClockAnswer>;
  if (typeof a?.nowMs !== 'number' || typeof a.speed !== 'number') throw unreachable(url, `not the simulated account's clock: ${JSON.stringify(answer).slice(0, 80)}`);
  return a as ClockAnswer;
}

function unreachable(url: string, why: string): SimServerUnreachable {
  return new SimServerUnreachable(`simulated account at ${url} is not answering (${why}); start it with 'drover sim serve' and set DROVER_SIM_URL to the URL it prints`);
}

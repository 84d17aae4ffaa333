/**
 * CPU spent inside the simulated account: what AWS would spend, not drover. Wraps the
 * account's dispatch (the synchronous part of each handler) and whatever the caller runs
 * through `time` (advancing the account's clock-driven lifecycle).
 */
import type { SimAccount } from '../sim';

export interface SimCpu {
  readonly ms: number;
  time(fn: () => void): void;
}

export function timeSim(sim: SimAccount): SimCpu {
  let ms = 0;
  const time = (fn: () => void) => {
    const t0 = process.hrtime.bigint();
    try {
      fn();
    } finally {
      ms += Number(process.hrtime.bigint() - t0) / 1e6;
    }
  };
  const dispatch = sim.dispatch.bind(sim);
  sim.dispatch = (service, operation, input) => {
    let out!: Promise<any>;
    time(() => (out = dispatch(service, operation, input)));
    return out;
  };
  return {
    get ms() {
      return ms;
    },
    time,
  };
}

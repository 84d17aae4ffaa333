/** Queued and rate-based fault injection, checked before a call is handled. */
import { normalizeFaultCode, SimService } from './errors';
import { Prng } from './prng';
import type { SimState } from './state';

export interface FaultState {
  next: Array<{ service: string; operation: string; code: string; times: number }>;
  rates: Array<{ service: string; operation: string; code: string; rate: number }>;
}

export function emptyFaults(): FaultState {
  return { next: [], rates: [] };
}

/** The fault code to throw for this call, if any (consumes a queued fault). */
export function drawFault(faults: FaultState, rng: Prng, service: SimService, operation: string): string | undefined {
  const queued = faults.next.find((f) => f.service === service && f.operation === operation);
  if (queued) {
    queued.times--;
    if (queued.times <= 0) faults.next = faults.next.filter((f) => f !== queued);
    return normalizeFaultCode(service, queued.code);
  }
  for (const r of faults.rates) {
    if (r.service !== service || (r.operation !== '*' && r.operation !== operation)) continue;
    if (rng.next() < r.rate) return normalizeFaultCode(service, r.code);
  }
  return undefined;
}

/**
 * Break an AMI. Without an error rate its instances never pass health checks; with one (0..1]
 * they pass them but answer that share of requests with 5xx (the load model's metrics show it).
 * An error rate of 0 clears it.
 */
export function breakAmi(state: SimState, imageId: string, errorRate?: number): void {
  if (errorRate === undefined) {
    if (!state.brokenAmis.includes(imageId)) state.brokenAmis.push(imageId);
    return;
  }
  if (!(errorRate >= 0 && errorRate <= 1)) throw new Error(`break-ami ${imageId}: error rate ${errorRate} is not between 0 and 1`);
  const rates = (state.amiErrorRates ??= {});
  if (errorRate === 0) delete rates[imageId];
  else rates[imageId] = errorRate;
}

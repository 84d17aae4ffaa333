import { DEFAULT_LEASE_SETTINGS } from '../state/leases';
import { UsageError } from './cli-support';
import { leaseFlags } from './lease-flags';

describe('daemon lease flags', () => {
  it('defaults to the lease settings that fail over in 8-12 s', () => {
    expect(leaseFlags({})).toEqual(DEFAULT_LEASE_SETTINGS);
  });

  it('takes seconds and a shard count', () => {
    expect(leaseFlags({ leaseSeconds: '15', renewSeconds: '3', leaseMarginSeconds: '2.5', shards: '16' })).toEqual({ shards: 16, leaseMs: 15_000, renewMs: 3_000, marginMs: 2_500 });
  });

  it.each([
    [{ leaseSeconds: 'ten' }, '--lease-seconds: "ten" is not a positive number of seconds'],
    [{ renewSeconds: '0' }, '--renew-seconds: "0" is not a positive number of seconds'],
    [{ shards: '0' }, '--shards: "0" is not a whole number from 1 to 4096'],
    [{ shards: '2.5' }, '--shards: "2.5" is not a whole number'],
    [{ leaseSeconds: '4', renewSeconds: '3' }, 'renewals must come more often than lease minus margin'],
    [{ leaseSeconds: '2', leaseMarginSeconds: '2' }, 'the margin must be above 0 and below the lease'],
  ])('refuses %j', (flags, message) => {
    expect(() => leaseFlags(flags)).toThrow(UsageError);
    expect(() => leaseFlags(flags)).toThrow(message);
  });
});

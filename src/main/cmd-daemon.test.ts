import { drover } from '../../test/support/cli';
import { parseRateLimit } from '../aws/rate-table';

describe('drover daemon --rate-limit', () => {
  it('parses SERVICE.CLASS=RATE[/BURST] into table overrides', () => {
    const o = parseRateLimit('AutoScaling.all=10', parseRateLimit('EC2.read=40/200'));
    expect(o).toEqual({ EC2: { read: { ratePerSecond: 40, burst: 200 } }, AutoScaling: { all: { ratePerSecond: 10 } } });
    expect(() => parseRateLimit('EC2.reads=4')).toThrow('EC2 has no class reads (it has read, read-unfiltered, mutate)');
    expect(() => parseRateLimit('EC2.read=0')).toThrow('rate must be > 0');
    expect(() => parseRateLimit('ec2 read 4')).toThrow('is not SERVICE.CLASS=RATE[/BURST]');
  });

  it('refuses a bad value as a usage error naming the flag', async () => {
    const run = await drover('daemon', '-f', 'manifests/examples', '--rate-limit', 'EC2.nope=3');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--rate-limit: "EC2.nope=3": EC2 has no class nope');
  });
});

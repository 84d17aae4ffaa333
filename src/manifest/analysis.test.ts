/** `spec.deploy.analysis`: mapping to the model's checks and every rule, each error at FILE:LINE:COL of the offending text. */
import { loadManifestText } from './load';
import { minimalWith, problemsOf, textAt } from '../../test/support/manifest';

const RATE = {
  name: '5xx-rate',
  namespace: 'AWS/ApplicationELB',
  metric: 'HTTPCode_Target_5XX_Count',
  dimensions: { TargetGroup: '{green}', LoadBalancer: '{green}' },
  statistic: 'Sum',
  ratio: { metric: 'RequestCount' },
  missingAsZero: true,
  maxRelative: { factor: 2, plus: 0.5 },
  failureLimit: 1,
};

const withCheck = (patch: Record<string, unknown>, extra: object[] = []) =>
  minimalWith((d) => (d.spec.deploy = { analysis: [{ ...RATE, ...patch }, ...extra] }));

type Case = [name: string, text: string, message: string, at: string];

const cases: Case[] = [
  ['a misspelt "default"', minimalWith((d) => (d.spec.deploy = { analysis: 'defualt' })),
    'spec.deploy.analysis: must be one of "default", got "defualt" (did you mean "default"?)', 'defualt'],
  ['no threshold', withCheck({ maxRelative: undefined }),
    'spec.deploy.analysis[0]: needs a threshold: "max" (absolute) or "maxRelative" ({factor, plus}: green ≤ factor × blue + plus)', 'name'],
  ['two thresholds', withCheck({ max: 5 }), 'spec.deploy.analysis[0]: give max or maxRelative, not both', 'maxRelative'],
  ['an unknown placeholder', withCheck({ dimensions: { TargetGroup: '{grene}', LoadBalancer: '{green}' } }),
    'spec.deploy.analysis[0].dimensions.TargetGroup: unknown placeholder in "{grene}": use "{green}" or "{blue}"; the whole value must be "{green}" or "{blue}"', '"{grene}"'],
  ['a placeholder on a dimension that has none', withCheck({ dimensions: { TargetGroup: '{green}', InstanceId: '{green}' } }),
    'spec.deploy.analysis[0].dimensions.InstanceId: dimension InstanceId cannot take {green}: placeholders stand for TargetGroup, LoadBalancer, LoadBalancerName, AutoScalingGroupName', '"{green}"'],
  ['relative without {green}', withCheck({ dimensions: { LoadBalancer: 'app/shop/0123' } }),
    'spec.deploy.analysis[0]: compares green with blue, so a dimension must be "{green}" (e.g. TargetGroup: "{green}")', 'maxRelative'],
  ['a period CloudWatch refuses', withCheck({ period: '45s' }), 'spec.deploy.analysis[0].period: must be 10s, 30s or a multiple of 60s, got 45s', '45s'],
  ['an unknown statistic', withCheck({ statistic: 'Median' }),
    'spec.deploy.analysis[0].statistic: must be Sum, Average, Minimum, Maximum, SampleCount or a percentile such as p99, got "Median"', 'Median'],
  ['a duplicate name', withCheck({}, [{ ...RATE, maxRelative: undefined, max: 5 }]), 'spec.deploy.analysis[1].name: check name "5xx-rate" is already used by check 1', '5xx-rate'],
  ['a negative failureLimit', withCheck({ failureLimit: -1 }), 'spec.deploy.analysis[0].failureLimit: must be at least 0, got -1', '-1'],
  ['a misspelt field', withCheck({ threshold: 3 }), 'spec.deploy.analysis[0]: unknown field "threshold"', 'threshold'],
  ['an interval without units', withCheck({ interval: '60' }), 'spec.deploy.analysis[0].interval: a bare number', '"60"'],
];

describe('spec.deploy.analysis', () => {
  it.each(cases)('rejects %s', (_name, text, message, at) => {
    const problems = problemsOf(text, 'shop.yaml');
    expect(problems.map((p) => p.message)).toEqual([expect.stringContaining(message)]);
    expect(problems[0].file).toBe('shop.yaml');
    expect(textAt(text, problems[0]).startsWith(at)).toBe(true);
  });

  it('maps checks with their defaults, and keeps "default" for the built-in ones', () => {
    const [fleet] = loadManifestText(withCheck({ period: '5m' }, [{ name: 'p99', namespace: 'AWS/ApplicationELB', metric: 'TargetResponseTime', dimensions: { TargetGroup: '{green}' }, statistic: 'p99', max: 0.8, interval: '2m' }]), 'x.yaml');
    expect(fleet.deploy.analysis).toEqual([
      { ...RATE, ratio: { metric: 'RequestCount', scale: 100 }, periodSeconds: 300, intervalSeconds: 60, missingAsZero: true },
      { name: 'p99', namespace: 'AWS/ApplicationELB', metric: 'TargetResponseTime', dimensions: { TargetGroup: '{green}' }, statistic: 'p99', max: 0.8, periodSeconds: 60, intervalSeconds: 120, failureLimit: 0 },
    ]);
    expect(loadManifestText(minimalWith((d) => (d.spec.deploy = { analysis: 'default' })), 'x.yaml')[0].deploy.analysis).toBe('default');
    expect(loadManifestText(minimalWith(() => undefined), 'x.yaml')[0].deploy.analysis).toBeUndefined();
  });
});

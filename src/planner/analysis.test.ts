import type { AnalysisCheck, AnalysisSides, MetricResults } from '../model/analysis';
import { analysisChecks, defaultAnalysisChecks } from './analysis-defaults';
import { buildMetricQueries, dueChecks, emptyTally, evaluateRun, valueId } from './analysis';

const MIN = 60_000;
const NOW = 100 * MIN + 30_000;
const END = 100 * MIN;

const SIDES: AnalysisSides = {
  green: { group: 'shop-v002', targetGroup: 'targetgroup/shop-green/g1', loadBalancer: 'app/shop/lb1' },
  blue: { group: 'shop-v001', targetGroup: 'targetgroup/shop-blue/b1', loadBalancer: 'app/shop/lb1' },
};

const base = { namespace: 'AWS/ApplicationELB', dimensions: { TargetGroup: '{green}', LoadBalancer: '{green}' }, statistic: 'Sum', periodSeconds: 60, failureLimit: 0, intervalSeconds: 60 };
const absolute: AnalysisCheck = { ...base, name: 'errors', metric: 'HTTPCode_Target_5XX_Count', max: 5 };
const relative: AnalysisCheck = { ...base, name: 'p99', metric: 'TargetResponseTime', statistic: 'p99', maxRelative: { factor: 2, plus: 0.5 } };
const ratio: AnalysisCheck = { ...base, name: 'rate', metric: 'HTTPCode_Target_5XX_Count', ratio: { metric: 'RequestCount', scale: 100 }, missingAsZero: true, maxRelative: { factor: 2, plus: 0.5 } };

/** One datapoint for the last whole minute per id. */
const last = (values: Record<string, number>): MetricResults => Object.fromEntries(Object.entries(values).map(([id, value]) => [id, [{ t: END - MIN, value }]]));

function run(checks: AnalysisCheck[], results: MetricResults, tally = emptyTally()) {
  return evaluateRun(checks, SIDES, results, END, tally);
}

describe('analysis queries', () => {
  it('resolves {green}/{blue} by dimension name and builds metric math for a ratio, blue only for relative checks', () => {
    const [plan, ...others] = buildMetricQueries([absolute, ratio], SIDES, NOW);
    expect(others).toEqual([]);
    expect(plan).toMatchObject({ startMs: END - MIN, endMs: END });
    expect(plan.queries.map((q) => [q.id, q.expression ?? q.metric!.name, q.returnData])).toEqual([
      ['c0g', 'HTTPCode_Target_5XX_Count', true],
      ['c1gn', 'HTTPCode_Target_5XX_Count', false],
      ['c1gd', 'RequestCount', false],
      ['c1g', 'FILL(c1gn, 0) / c1gd * 100', true],
      ['c1bn', 'HTTPCode_Target_5XX_Count', false],
      ['c1bd', 'RequestCount', false],
      ['c1b', 'FILL(c1bn, 0) / c1bd * 100', true],
    ]);
    expect(plan.queries[4].metric!.dimensions).toEqual([
      { name: 'TargetGroup', value: 'targetgroup/shop-blue/b1' },
      { name: 'LoadBalancer', value: 'app/shop/lb1' },
    ]);
    expect(plan.queries[0].metric!.dimensions[0].value).toBe('targetgroup/shop-green/g1');
  });

  it('leaves out checks it cannot resolve and says why', () => {
    const check = { ...absolute, dimensions: { AutoScalingGroupName: '{green}', InstanceId: '{green}' } };
    expect(buildMetricQueries([check], SIDES, NOW)).toEqual([]);
    const out = run([check], {});
    expect(out.checks[0]).toMatchObject({ verdict: 'inconclusive', message: 'dimension InstanceId cannot take {green} (only TargetGroup, LoadBalancer, LoadBalancerName, AutoScalingGroupName)' });
    const classic = { ...relative, dimensions: { LoadBalancerName: '{green}' } };
    const sides = { green: { loadBalancer: 'shop' }, blue: { loadBalancer: 'shop' } };
    expect(buildMetricQueries([classic], sides, NOW)).toEqual([]);
    expect(evaluateRun([classic], sides, {}, END).checks[0].message).toMatch(/share one series/);
  });
});

describe('analysis requests', () => {
  it('asks once per distinct period, each over its own window, with ids unique across requests', () => {
    const slow = { ...ratio, name: 'slow-rate', periodSeconds: 300 };
    const plans = buildMetricQueries([ratio, absolute, slow], SIDES, NOW);
    expect(plans.map((p) => [p.startMs, p.endMs, p.queries.filter((q) => q.returnData).map((q) => q.id)])).toEqual([
      [END - MIN, END, ['c0g', 'c0b', 'c1g']],
      [END - 5 * MIN, END, ['c2g', 'c2b']],
    ]);
  });
});

describe('analysis verdicts', () => {
  it('holds green to an absolute max', () => {
    expect(run([absolute], last({ c0g: 5 })).checks[0]).toMatchObject({ verdict: 'pass', green: 5, limit: 5, message: 'green 5 ≤ max 5' });
    const out = run([absolute], last({ c0g: 6 }));
    expect(out).toMatchObject({ run: 'fail', verdict: 'fail' });
    expect(out.checks[0].message).toBe('green 6 > max 5');
  });

  it('holds green to factor × blue + plus', () => {
    expect(run([relative], last({ c0g: 1.4, c0b: 0.5 })).checks[0]).toMatchObject({ verdict: 'pass', limit: 1.5 });
    const out = run([relative], last({ c0g: 1.6, c0b: 0.5 }));
    expect(out.checks[0]).toMatchObject({ verdict: 'fail', green: 1.6, blue: 0.5, message: 'green 1.6 > 2 × blue 0.5 + 0.5 = 1.5' });
  });

  it('judges a ratio on the metric-math value of each side', () => {
    const out = run([ratio], last({ [valueId(0, 'green')]: 30, [valueId(0, 'blue')]: 0 }));
    expect(out.checks[0]).toMatchObject({ verdict: 'fail', green: 30, blue: 0, limit: 0.5 });
    expect(run([ratio], last({ c0g: 0.8, c0b: 0.2 })).verdict).toBe('pass');
  });

  it('is inconclusive without data (no requests yet), but reads a missing count as 0 when told to', () => {
    expect(run([ratio], {})).toMatchObject({ run: 'inconclusive', verdict: 'inconclusive' });
    expect(run([ratio], last({ c0g: 1 })).checks[0].message).toBe('no data for blue to compare with');
    expect(run([absolute], {}).checks[0]).toMatchObject({ verdict: 'inconclusive', message: 'no data for green yet' });
    expect(run([{ ...absolute, missingAsZero: true }], {}).checks[0]).toMatchObject({ verdict: 'pass', green: 0 });
    // A datapoint older than the check's period is not this run's measurement.
    expect(run([absolute], { c0g: [{ t: END - 2 * MIN, value: 1 }] }).checks[0].verdict).toBe('inconclusive');
  });

  it('fails the analysis only when a check fails more often than its failureLimit', () => {
    const tolerant = { ...absolute, failureLimit: 2 };
    let tally = emptyTally();
    const verdicts: string[] = [];
    for (const errors of [9, 0, 9, 9]) {
      const out = run([tolerant, relative], last({ c0g: errors, c1g: 0.1, c1b: 0.1 }), tally);
      tally = out.tally;
      verdicts.push(`${out.run}/${out.verdict}/${out.checks[0].failures}`);
    }
    expect(verdicts).toEqual(['fail/inconclusive/1', 'pass/pass/1', 'fail/inconclusive/2', 'fail/fail/3']);
    expect(tally).toMatchObject({ runs: 4, checks: { errors: { failures: 3, measurements: 4 }, p99: { failures: 0, measurements: 4 } } });
  });

  it('measures a check again only once its interval has passed', () => {
    const slow = { ...absolute, name: 'slow', intervalSeconds: 300 };
    const tally = run([absolute, slow], last({ c0g: 0, c1g: 0 })).tally;
    expect(dueChecks([absolute, slow], tally, END + MIN).map((c) => c.name)).toEqual(['errors']);
    expect(dueChecks([absolute, slow], tally, END + 5 * MIN).map((c) => c.name)).toEqual(['errors', 'slow']);
  });
});

describe('built-in checks', () => {
  it('compare green with blue on an ALB and use absolute thresholds on a shared Classic ELB', () => {
    expect(defaultAnalysisChecks('application').map((c) => [c.name, c.metric, c.statistic, !!c.maxRelative])).toEqual([
      ['5xx-count', 'HTTPCode_Target_5XX_Count', 'Sum', true],
      ['5xx-rate', 'HTTPCode_Target_5XX_Count', 'Sum', true],
      ['latency-p99', 'TargetResponseTime', 'p99', true],
    ]);
    expect(defaultAnalysisChecks('classic').map((c) => [c.name, c.metric, c.max])).toEqual([
      ['5xx-count', 'HTTPCode_Backend_5XX', 50],
      ['5xx-rate', 'HTTPCode_Backend_5XX', 1],
      ['latency-p99', 'Latency', 1],
    ]);
    expect(analysisChecks(undefined, 'blueGreen', 'classic')).toEqual([]);
    expect(analysisChecks(undefined, 'canary', 'classic')).toHaveLength(3);
    expect(analysisChecks('default', 'blueGreen', 'application')[0].namespace).toBe('AWS/ApplicationELB');
    expect(analysisChecks([absolute], 'canary', 'application')).toEqual([absolute]);
  });
});

/**
 * The built-in analysis (`analysis: default`, or none given on a canary): the load balancer's own
 * 5xx count, 5xx rate and p99 latency.
 * - On an ALB each side has its own target group, so green is held to blue: rate ≤ 2 × blue + 0.5
 *   points, p99 ≤ 2 × blue + 100 ms, count ≤ 2 × blue + 10 a minute.
 * - On a Classic ELB both sides serve behind one load balancer whose metrics mix them, so the
 *   thresholds are absolute, on the whole load balancer: rate ≤ 1 %, p99 ≤ 1 s, count ≤ 50 a minute.
 */
import type { AnalysisCheck, AnalysisSpec, LoadBalancerKind } from '../model/analysis';

const COMMON = { statistic: 'Sum', periodSeconds: 60, failureLimit: 1, intervalSeconds: 60 } as const;

function albDefaults(): AnalysisCheck[] {
  const dimensions = { TargetGroup: '{green}', LoadBalancer: '{green}' };
  const ns = 'AWS/ApplicationELB';
  return [
    { ...COMMON, name: '5xx-count', namespace: ns, metric: 'HTTPCode_Target_5XX_Count', dimensions, missingAsZero: true, maxRelative: { factor: 2, plus: 10 } },
    { ...COMMON, name: '5xx-rate', namespace: ns, metric: 'HTTPCode_Target_5XX_Count', dimensions, missingAsZero: true, ratio: { metric: 'RequestCount', scale: 100 }, maxRelative: { factor: 2, plus: 0.5 } },
    { ...COMMON, name: 'latency-p99', namespace: ns, metric: 'TargetResponseTime', dimensions, statistic: 'p99', maxRelative: { factor: 2, plus: 0.1 } },
  ];
}

function classicDefaults(): AnalysisCheck[] {
  const dimensions = { LoadBalancerName: '{green}' };
  const ns = 'AWS/ELB';
  return [
    { ...COMMON, name: '5xx-count', namespace: ns, metric: 'HTTPCode_Backend_5XX', dimensions, missingAsZero: true, max: 50 },
    { ...COMMON, name: '5xx-rate', namespace: ns, metric: 'HTTPCode_Backend_5XX', dimensions, missingAsZero: true, ratio: { metric: 'RequestCount', scale: 100 }, max: 1 },
    { ...COMMON, name: 'latency-p99', namespace: ns, metric: 'Latency', dimensions, statistic: 'p99', max: 1 },
  ];
}

export function defaultAnalysisChecks(kind: LoadBalancerKind): AnalysisCheck[] {
  return kind === 'application' ? albDefaults() : classicDefaults();
}

/** The checks a rollout runs: the manifest's list, the defaults, or none (not a canary, no analysis given). */
export function analysisChecks(spec: AnalysisSpec | undefined, strategy: string, kind: LoadBalancerKind): AnalysisCheck[] {
  if (Array.isArray(spec)) return spec;
  if (spec === 'default' || strategy === 'canary') return defaultAnalysisChecks(kind);
  return [];
}

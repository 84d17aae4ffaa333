/**
 * Canary analysis from CloudWatch (`spec.deploy.analysis`): metric checks, the sides they
 * compare, the metric queries they need and what a run of them concluded. Pure data.
 */

export type AnalysisVerdict = 'pass' | 'fail' | 'inconclusive';

/** `green ≤ factor × blue + plus`. */
export interface RelativeThreshold {
  factor: number;
  plus: number;
}

/** The denominator of a ratio check: `value = metric / ratio.metric × scale` (same namespace and dimensions). */
export interface RatioOf {
  metric: string;
  /** Defaults to the check's statistic. */
  statistic?: string;
  /** 100 gives a percentage. */
  scale: number;
}

export interface AnalysisCheck {
  name: string;
  namespace: string;
  /** The metric measured (the numerator of a ratio). */
  metric: string;
  /**
   * Dimension name → value. `{green}` / `{blue}` stand for that side's resource, chosen by the
   * dimension's name: TargetGroup → its target group, LoadBalancer / LoadBalancerName → its load
   * balancer, AutoScalingGroupName → its group. Other values are literal.
   */
  dimensions: Record<string, string>;
  /** Sum, Average, Minimum, Maximum, SampleCount, p99, p99.9 … */
  statistic: string;
  periodSeconds: number;
  ratio?: RatioOf;
  /** Absolute threshold: the value must not exceed it. */
  max?: number;
  /** Threshold relative to the same query on blue. */
  maxRelative?: RelativeThreshold;
  /**
   * A missing datapoint means 0 (count metrics AWS publishes only when non-zero) rather than
   * "no data". A ratio's denominator never counts as 0: no requests stays inconclusive.
   */
  missingAsZero?: boolean;
  /** Failed measurements allowed; one more fails the analysis. */
  failureLimit: number;
  /** Time between two measurements of this check. */
  intervalSeconds: number;
}

/** `spec.deploy.analysis`: the built-in checks (for the fleet's kind of load balancer), or a list. */
export type AnalysisSpec = 'default' | AnalysisCheck[];

/** The resources of one side (blue or green) that placeholders resolve to, as CloudWatch names them. */
export interface AnalysisSide {
  /** `AutoScalingGroupName`. */
  group?: string;
  /** ALB `TargetGroup` dimension value: `targetgroup/<name>/<id>`. */
  targetGroup?: string;
  /** `LoadBalancer` (`app/<name>/<id>`) on an ALB, `LoadBalancerName` on a Classic ELB. */
  loadBalancer?: string;
}

export interface AnalysisSides {
  green: AnalysisSide;
  blue: AnalysisSide;
}

export type LoadBalancerKind = 'classic' | 'application';

/** One GetMetricData query as plain data (the provider maps it to the SDK shape). */
export interface MetricQuery {
  id: string;
  /** A metric stat, or `expression` (metric math over other ids). */
  metric?: { namespace: string; name: string; dimensions: Array<{ name: string; value: string }>; statistic: string; periodSeconds: number };
  expression?: string;
  label?: string;
  /** Whether the caller wants this id's values back (GetMetricData ReturnData). */
  returnData: boolean;
}

/** The queries of one run and the window they cover. */
export interface MetricQueryPlan {
  queries: MetricQuery[];
  startMs: number;
  endMs: number;
}

/** Values of each returned query id, oldest first. */
export type MetricResults = Record<string, Array<{ t: number; value: number }>>;

export interface CheckMeasurement {
  name: string;
  verdict: AnalysisVerdict;
  green?: number;
  blue?: number;
  /** The threshold green was held to in this run. */
  limit?: number;
  /** Failed measurements so far (this one included). */
  failures: number;
  failureLimit: number;
  message: string;
}

/** What analysis has seen across runs of one rollout. */
export interface AnalysisTally {
  runs: number;
  /** Per check name. */
  checks: Record<string, { failures: number; measurements: number; lastAtMs?: number }>;
}

export interface AnalysisRun {
  /** This run's measurements alone: fail if any check failed, else inconclusive if any had no data. */
  run: AnalysisVerdict;
  /**
   * The analysis so far: fail once a check failed more than its failureLimit; pass when this run
   * passed; inconclusive otherwise (no data yet, or failures still within their limit).
   */
  verdict: AnalysisVerdict;
  checks: CheckMeasurement[];
  tally: AnalysisTally;
}

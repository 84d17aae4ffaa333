/**
 * Default values of optional manifest fields. The JSON Schema publishes them as `default`s and
 * the mapping to DesiredFleet applies them, so the two cannot disagree.
 */

export const DEFAULTS = {
  connectionDraining: '300s',
  crossZone: true,
  healthCheckGracePeriod: '300s',
  efsEncrypted: true,
  efsPerformanceMode: 'generalPurpose',
  builderInstanceType: 'c5.xlarge',
  bakeTimeout: '30m',
  bakeFrom: 'base',
  imageRetain: 3,
  scalingMetric: 'CPUUtilization',
  scalingCooldown: '300s',
  deployStrategy: 'blueGreen',
  deployHealthyTimeout: '10m',
  deploySoak: '5m',
  deployKeepPrevious: '1h',
  deployRollbackOnAlarms: [] as string[],
  deployMinHealthyPercent: 90,
  canaryOnAbort: 'delete',
  canaryAnalysisInterval: '1m',
} as const;

/** Allowed range, in seconds, of each duration field (checked by the `x-duration` schema keyword). */
export interface DurationRange {
  min: number;
  max: number;
}

export const DURATION_KEYWORD = 'x-duration';

/**
 * The chaos settings and counters a SimCore carries (see chaos.ts for what they do). Kept apart
 * from chaos.ts so the core can hold them without importing the functions that take a core.
 */
export type CreatedKind = 'instance' | 'image' | 'launchTemplate' | 'group' | 'loadBalancer';

export interface ChaosState {
  describeNotFoundMs: number;
  recent: Array<{ kind: CreatedKind; id: string; name?: string; at: number }>;
  sqs: { duplicateRate: number; reorder: boolean };
  shortages: Array<{ instanceType: string; until: number }>;
  /** Launches fail with UnauthorizedOperation until this time. */
  launchesDeniedUntil?: number;
  /** What the chaos did so far (kept by clearFaults). */
  stats: ChaosStats;
}

export interface ChaosStats {
  /** Describe answers that left out or did not find a recent creation. */
  hidden: number;
  /** SQS deliveries left visible to be delivered again. */
  duplicated: number;
  /** Launches refused for a capacity shortage. */
  launchesRefused: number;
}

export function emptyChaos(): ChaosState {
  return { describeNotFoundMs: 0, recent: [], sqs: { duplicateRate: 0, reorder: false }, shortages: [], stats: { hidden: 0, duplicated: 0, launchesRefused: 0 } };
}

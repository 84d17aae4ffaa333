/** The read model of a fleet: conditions in the Kubernetes style. */

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  /** PascalCase: Ready, Progressing, Degraded, ManifestValid, Converged. */
  type: string;
  status: ConditionStatus;
  /** PascalCase reason, e.g. WaitingForHealthyInstances. */
  reason: string;
  message: string;
  /** ISO time; changes only when `status` changes. */
  lastTransitionTime: string;
}

export type FleetPhase = 'Ready' | 'Progressing' | 'Degraded' | 'Failed';

/** Set or update a condition, keeping lastTransitionTime unless the status changed. Returns a new array. */
export function setCondition(conditions: Condition[], next: Omit<Condition, 'lastTransitionTime'>, now: Date): Condition[] {
  const prev = conditions.find((c) => c.type === next.type);
  const lastTransitionTime = prev && prev.status === next.status ? prev.lastTransitionTime : now.toISOString();
  const updated: Condition = { ...next, lastTransitionTime };
  return [...conditions.filter((c) => c.type !== next.type), updated];
}

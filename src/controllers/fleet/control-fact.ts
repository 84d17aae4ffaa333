/** The shape of a rollout control fact (see controls.ts), apart so fleet memory can name it. */
export const CONTROL_KINDS = ['pause', 'resume', 'promote', 'abort', 'retry', 'undo'] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

export interface ControlArgs {
  /** promote --full */
  full?: boolean;
  /** undo --to-revision N */
  toRevision?: number;
  /** The image a retry or an undo deploys. */
  ami?: string;
}

export interface ControlFact {
  id: string;
  fleet: string;
  kind: ControlKind;
  args: ControlArgs;
  /** The deployment it acts on: the one in progress, or the failed one (retry), or the last one (undo). */
  deployment?: string;
  requestedAt: string;
  /** user@host (pid) that asked. */
  by: string;
  /** Set by the reconciler once acted on (or found moot), with what it did. */
  appliedAt?: string;
  outcome?: string;
}


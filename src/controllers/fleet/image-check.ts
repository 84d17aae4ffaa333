/**
 * The AMI a plan builds on must exist before anything is built or deployed on it, in `plan`
 * as in `apply`: a missing AMI is an error naming the AMI and the manifest field, not a step
 * (and not a deployment that waits minutes for instances that can never launch).
 */
import * as fs from 'node:fs';
import { validateImage, type ApplyContext } from '../../providers/apply';
import type { AwsPort } from '../../aws/port';
import type { DesiredFleet } from '../../model/fleet';
import type { Plan, PlanStep } from '../../model/plan';

/** The step that would launch from an AMI, and that AMI. */
export function plannedImage(plan: Plan): { step: PlanStep; ami: string } | undefined {
  for (const s of plan.steps) {
    if ((s.kind === 'createLaunchTemplate' || s.kind === 'createLaunchTemplateVersion') && s.params.imageId) return { step: s, ami: String(s.params.imageId) };
    if (s.kind === 'startDeployment' && s.params.toAmi) return { step: s, ami: String(s.params.toAmi) };
  }
  return undefined;
}

/** FILE:LINE:COL of `ami` in the fleet's document (on the error path only); the document's start if not found. */
function positionOf(desired: DesiredFleet, ami: string): string {
  const { file, line } = desired.source;
  try {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (let i = Math.max(0, line - 1); i < lines.length; i++) {
      const col = lines[i].indexOf(ami);
      if (col >= 0) return `${file}:${i + 1}:${col + 1}`;
    }
  } catch {
    // The file moved or is unreadable: its document's start still says which fleet.
  }
  return `${file}:${line}`;
}

/** Which manifest field names `ami`, and where (a baked AMI is named by no field). */
export function amiField(desired: DesiredFleet, ami: string): string {
  const field = desired.image.bake?.baseAmi === ami && desired.image.ami !== ami ? 'spec.image.bake.baseAmi' : desired.image.ami === ami ? 'spec.image.ami' : undefined;
  return field ? `${field} at ${positionOf(desired, ami)}` : `baked for the fleet in ${desired.source.file}:${desired.source.line}`;
}

/** Throws (a CloudError naming the AMI, its field and AWS's code) when the planned AMI does not exist. */
export async function checkPlannedImage(clients: AwsPort, desired: DesiredFleet, plan: Plan, ctx: ApplyContext): Promise<PlanStep | undefined> {
  const planned = plannedImage(plan);
  if (!planned) return undefined;
  await validateImage(clients, planned.ami, ctx, `checking AMI ${planned.ami} of fleet ${desired.name} (${amiField(desired, planned.ami)})`);
  return planned.step;
}

/**
 * Failed launches, as Auto Scaling reports them in a group's scaling activities: StatusCode
 * `Failed` and a StatusMessage such as "The image id '[ami-…]' does not exist. Launching EC2
 * instance failed." The message carries no error code, so the code is recognised from AWS's
 * text. A cause that will not fix itself (unknown AMI or instance type, a subnet or security
 * group that is gone, an unauthorized call) is terminal at once; capacity and limit errors
 * (and unknown ones) are terminal only after CAPACITY_ATTEMPTS failed launches in a row.
 */
import type { Activity } from '../../aws/types';

export interface LaunchFailure {
  /** The EC2 error code AWS's text stands for, or `Unknown`. */
  code: string;
  /** AWS's StatusMessage, as it gave it. */
  statusMessage: string;
  /** True when waiting cannot help. */
  terminal: boolean;
  /** Failed launches in a row, newest first. */
  attempts: number;
}

/** Capacity errors get this many launches before the failure counts (about 5 minutes of Auto Scaling's retries, longer than a passing shortage). */
export const CAPACITY_ATTEMPTS = 6;

const CAUSES: Array<{ re: RegExp; code: string; terminal: boolean }> = [
  { re: /image id '[^']*' does not exist/i, code: 'InvalidAMIID.NotFound', terminal: true },
  { re: /image (id )?\S+ is not available|InvalidAMIID/i, code: 'InvalidAMIID.Unavailable', terminal: true },
  { re: /for InstanceType|instance type \S* ?is not valid|instance type .* is not supported/i, code: 'InvalidParameterValue', terminal: true },
  { re: /requested configuration is currently not supported/i, code: 'Unsupported', terminal: true },
  { re: /subnet ID '[^']*' does not exist/i, code: 'InvalidSubnetID.NotFound', terminal: true },
  { re: /security group '[^']*' does not exist/i, code: 'InvalidGroup.NotFound', terminal: true },
  { re: /key pair '[^']*' does not exist/i, code: 'InvalidKeyPair.NotFound', terminal: true },
  { re: /not authorized to perform this operation/i, code: 'UnauthorizedOperation', terminal: true },
  { re: /do not have sufficient .*capacity/i, code: 'InsufficientInstanceCapacity', terminal: false },
  { re: /than your current instance limit|vCPU limit/i, code: 'InstanceLimitExceeded', terminal: false },
];

export function classifyLaunchFailure(statusMessage: string): { code: string; terminal: boolean } {
  const hit = CAUSES.find((c) => c.re.test(statusMessage));
  return hit ? { code: hit.code, terminal: hit.terminal } : { code: 'Unknown', terminal: false };
}

function isLaunch(a: Activity): boolean {
  return /^Launching a new EC2 instance/i.test(a.Description ?? '');
}

/**
 * The failure that stops a group from reaching its capacity, from its activities (any order):
 * the newest launch failed, and its cause is terminal or repeated CAPACITY_ATTEMPTS times.
 * Undefined while the newest launch succeeded or is still in progress, or retries remain.
 */
export function launchFailureOf(activities: Activity[]): LaunchFailure | undefined {
  const launches = activities.filter(isLaunch).sort((a, b) => (b.StartTime?.getTime() ?? 0) - (a.StartTime?.getTime() ?? 0));
  const newest = launches[0];
  if (newest?.StatusCode !== 'Failed') return undefined;
  const statusMessage = newest.StatusMessage ?? newest.Description ?? 'launch failed';
  const { code, terminal } = classifyLaunchFailure(statusMessage);
  let attempts = 0;
  while (attempts < launches.length && launches[attempts].StatusCode === 'Failed') attempts++;
  if (!terminal && attempts < CAPACITY_ATTEMPTS) return undefined;
  return { code, statusMessage, terminal, attempts };
}

/** One line for status and errors: `launching instances into group g: <AWS text> (Code)`. */
export function describeLaunchFailure(groupName: string, f: LaunchFailure): string {
  const times = f.terminal ? '' : ` (${f.attempts} failed launches in a row)`;
  return `launching instances into group ${groupName}${times}: ${f.statusMessage} (${f.code})`;
}

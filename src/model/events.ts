/**
 * What the controller hears from outside: GitLab webhooks (relayed through SQS), Auto Scaling
 * lifecycle actions and CloudWatch alarm state changes, parsed into small typed facts. Events
 * never drive a deployment directly; they enqueue fleet keys and a reconcile re-reads the world.
 * Pure data, JSON-serialisable: times are ISO-8601 strings.
 */

/** Every form a repository was named by in the webhook, kept so matching can be robust. */
export interface RepositoryRef {
  /** `group/project`. */
  pathWithNamespace?: string;
  /** `git@gitlab.example.com:group/project.git`. */
  gitSshUrl?: string;
  /** `https://gitlab.example.com/group/project.git`. */
  gitHttpUrl?: string;
  /** `https://gitlab.example.com/group/project`. */
  webUrl?: string;
  defaultBranch?: string;
}

/**
 * A merge request was merged into `branch`. `commit` is what the target branch now points at,
 * when the payload says: merge_commit_sha, else squash_commit_sha. Without either (a
 * fast-forward merge, an older GitLab), the push to the target branch names the head.
 */
export interface MergeRequested {
  kind: 'merge_requested';
  repository: RepositoryRef;
  /** The target branch. */
  branch: string;
  commit?: string;
  /** Which payload field named `commit`. */
  commitSource?: 'merge_commit_sha' | 'squash_commit_sha';
  mergeRequestIid: number;
  title: string;
  author?: string;
  url?: string;
  at: string;
}

/** Commits were pushed to `branch` (deleted-branch pushes never become events). */
export interface PushReceived {
  kind: 'push_received';
  repository: RepositoryRef;
  branch: string;
  ref: string;
  before: string;
  /** The new head of the branch. */
  after: string;
  author?: string;
  commitCount: number;
  at: string;
}

/** A merge request was opened. Recorded only: nothing deploys until it merges. */
export interface MergeRequestOpened {
  kind: 'merge_request_opened';
  repository: RepositoryRef;
  /** The target branch. */
  branch: string;
  sourceBranch?: string;
  iid: number;
  title: string;
  author?: string;
  url?: string;
  at: string;
}

export type LifecycleTransition = 'launching' | 'terminating';

/** An instance waits in Pending:Wait or Terminating:Wait for drover to complete its lifecycle action. */
export interface LifecycleAction {
  kind: 'lifecycle_action';
  transition: LifecycleTransition;
  groupName: string;
  hookName: string;
  instanceId: string;
  token: string;
  at: string;
  /** Seconds, when the notification said. */
  heartbeatTimeout?: number;
  metadata?: string;
  /** Where the event came from, when the message says (EventBridge `region`/`account`, `AccountId`). */
  region?: string;
  account?: string;
}

/** The message Auto Scaling sends when a hook with a notification target is put. */
export interface LifecycleTestNotification {
  kind: 'lifecycle_test_notification';
  groupName: string;
  at: string;
  region?: string;
  account?: string;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmStateChanged {
  kind: 'alarm_state_changed';
  alarmName: string;
  alarmArn?: string;
  state: AlarmState;
  previous?: AlarmState;
  reason: string;
  at: string;
  /** From the EventBridge envelope or the alarm ARN. */
  region?: string;
  account?: string;
}

/** EventBridge "EC2 Instance State-change Notification": an instance moved to `state`. */
export interface InstanceStateChanged {
  kind: 'instance_state_changed';
  instanceId: string;
  /** pending, running, stopping, stopped, shutting-down, terminated. */
  state: string;
  region?: string;
  account?: string;
  at: string;
}

export type ControllerEvent =
  | MergeRequested
  | PushReceived
  | MergeRequestOpened
  | LifecycleAction
  | LifecycleTestNotification
  | AlarmStateChanged
  | InstanceStateChanged;

export type ControllerEventKind = ControllerEvent['kind'];

/**
 * A message that did not become an event. `ignored` means it was understood but carries
 * nothing for drover (safe to delete); otherwise it was rejected (left for the dead-letter queue).
 */
export interface ParseFailure {
  ok: false;
  reason: string;
  messageId: string;
  ignored: boolean;
}

export interface ParseSuccess {
  ok: true;
  event: ControllerEvent;
}

export type ParseResult = ParseSuccess | ParseFailure;

export function isGitEvent(e: ControllerEvent): e is MergeRequested | PushReceived | MergeRequestOpened {
  return e.kind === 'merge_requested' || e.kind === 'push_received' || e.kind === 'merge_request_opened';
}

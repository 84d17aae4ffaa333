/**
 * The catalogue of log event codes. Every log record carries one of these as `event`;
 * dashboards and tests match on them, so they never change meaning.
 */
export const EVENTS = {
  observeDone: 'observe.done',
  planComputed: 'plan.computed',
  applyStep: 'apply.step',
  applyWaiting: 'apply.waiting',
  applyFailed: 'apply.failed',
  applyDone: 'apply.done',
  awsRetry: 'aws.retry',
  awsFailed: 'aws.failed',
  reconcileDone: 'reconcile.done',
  reconcileFailed: 'reconcile.failed',
  deploymentPending: 'deployment.pending',
  nameTaken: 'ownership.name_taken',
  intakeStarted: 'intake.started',
  intakeStopped: 'intake.stopped',
  intakeMessageHandled: 'intake.message_handled',
  intakeMessageRejected: 'intake.message_rejected',
  intakeMessageIgnored: 'intake.message_ignored',
  intakeMessageDuplicate: 'intake.message_duplicate',
  intakeHandlerFailed: 'intake.handler_failed',
  intakeReceiveFailed: 'intake.receive_failed',
  intakeDeleteFailed: 'intake.delete_failed',
  intakeVisibilityExtended: 'intake.visibility_extended',
  intakeVisibilityFailed: 'intake.visibility_failed',
  intakeQueueEnsured: 'intake.queue_ensured',
  relayListening: 'relay.listening',
  relayQueued: 'relay.queued',
  relayDropped: 'relay.dropped',
  relayRejected: 'relay.rejected',
  relaySendFailed: 'relay.send_failed',
} as const;

export type EventCode = (typeof EVENTS)[keyof typeof EVENTS];

/** The intake's public surface: parse, route, coalesce bakes, poll the queue, relay webhooks. */
export { parseMessage, MAX_MESSAGE_BYTES, GITLAB_EVENT_HEADER, SOURCE_ATTRIBUTE } from './parsers/parse-message';
export type { MessageMeta } from './parsers/parse-message';
export { routeEvent, fleetRoutes } from './route';
export type { FleetRoute, RouteAction, RouteDecision } from './route';
export { repositoryMatches, parseRepositoryName } from './repository';
export { emptyBakeRegister, requestBake, startBake, finishBake, dropPending, fleetBakes } from './bake-requests';
export type { BakeRegister, BakeRequestInput, BakeRequestOutcome, BakeCommitRequest, DeployedCommit, FleetBakeQueue } from './bake-requests';
export { SqsPoller } from './sqs-poller';
export type { EventHandler, SqsPollerOptions, PollerStats } from './sqs-poller';
export { ensureEventQueue, queueNameOf, MAX_RECEIVE_COUNT } from '../../providers/events/ensure-queue';
export type { EventQueueInfo } from '../../providers/events/ensure-queue';
export { createWebhookRelay, startWebhookRelay, loadWebhookToken, parseListen, RELAYED_EVENTS, TOKEN_ENV } from './webhook-relay';
export type { WebhookRelayOptions, RunningRelay } from './webhook-relay';

/**
 * The status read model's renderers: what `drover get|describe|events|rollout` print. `-o yaml`
 * (./serialize) is imported directly, so the table path never loads the yaml package.
 */
export { shouldColor, stripAnsi } from './color';
export { renderFleetsTable } from './fleets-table';
export { renderInstancesTable } from './instances-table';
export { renderDeploymentsTable } from './deployments-table';
export { renderEventsTable } from './events-table';
export { renderDescribeFleet, type DescribeOptions } from './describe';
export { renderRolloutStatus, rolloutExitCode, type RolloutOptions } from './rollout-status';
export { renderRolloutHistory, type HistoryOptions } from './rollout-history';
export { renderTimelineSvg, type SvgOptions } from './timeline-svg';
export type { TimelineMarker, MarkerKind } from './timeline-markers';
export { createWatcher, CLEAR_SCREEN, type Watcher, type WatcherOptions } from './watch';
export type { TableOptions } from './table';

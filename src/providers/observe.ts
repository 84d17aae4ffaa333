export { observeFleet } from './fleet/observe';
export { OwnershipCache, type ObserveContext } from './observe-context';
export { listOwnedFleets, type OwnedFleet } from './fleet/owned-fleets';
export { ObservationCache, resyncObservations } from './fleet/observation-cache';

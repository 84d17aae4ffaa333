export { observeFleet } from './observe-fleet';
export { OwnershipCache, type ObserveContext } from './context';
export { listOwnedFleets, type OwnedFleet } from './owned-fleets';

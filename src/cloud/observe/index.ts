export { observeFleet } from './observe-fleet';
export { OwnershipCache, type ObserveContext } from './context';

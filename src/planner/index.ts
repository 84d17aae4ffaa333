export { plan } from './plan';
export { assessReadiness, type Readiness } from './readiness';
export { activeGroup, activeAmi, desiredAmi } from './active-group';
export { renderUserData, efsMountPreamble, type SharedStorageMount } from './user-data';

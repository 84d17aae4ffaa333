export { SimAccount } from './account';
export type { RecordedCall, SimAccountOptions } from './account';
export { createSimPlugin, SIM_MIDDLEWARE_NAME } from './plugin';
export { SimNotImplemented, awsError } from './errors';
export type { SimService } from './errors';
export { DEFAULT_TIMINGS } from './timings';
export type { SimTimings } from './timings';
export { BAKE_MARKER } from './lifecycle/ec2';
export { REGION, ACCOUNT_ID, VPC_ID } from './defaults';

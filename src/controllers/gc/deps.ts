/** What garbage collection needs: AWS, a logger, and the clock its deploy-time helpers wait on. */
import type { AwsPort } from '../../aws/port';
import type { Logger } from '../../log/logger';
import type { Clock } from '../../util/clock';

export interface GcDeps {
  clients: AwsPort;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  clock: Clock;
}

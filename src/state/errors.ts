/**
 * The typed failures of the state store. Callers branch on the class: a VersionConflict is
 * retried after a fresh read, a FencedOut means this replica lost the fleet's shard and must
 * stop acting on it, the rest are operator errors with the fix in the message.
 */
import { DroverError } from '../util/errors';

/** Someone wrote the record since it was read: read again and redo the change. */
export class VersionConflict extends DroverError {
  constructor(
    readonly fleet: string,
    readonly expected: number,
    readonly found: number,
  ) {
    super(`writing state of fleet ${fleet}: version ${expected} expected, the store has ${found}; read it again`, { code: 'VersionConflict', retryable: true, source: 'controller' });
  }
}

/** A newer owner holds the fleet's shard (its epoch is higher): this writer must stop acting on the fleet. */
export class FencedOut extends DroverError {
  constructor(
    readonly fleet: string,
    readonly epoch: number,
    readonly current: number,
  ) {
    super(`writing state of fleet ${fleet}: fenced out, epoch ${epoch} is older than the store's ${current} (another replica owns its shard now)`, { code: 'FencedOut', source: 'controller' });
  }
}

/** The write would exceed DynamoDB's item limit; nothing was sent. */
export class StateItemTooLarge extends DroverError {
  constructor(
    readonly fleet: string,
    readonly bytes: number,
    readonly limit: number,
    detail: string,
  ) {
    super(`writing state of fleet ${fleet}: the record would be ${bytes} bytes, over DynamoDB's ${limit}-byte item limit (${detail}); nothing was written`, { code: 'StateItemTooLarge', source: 'controller' });
  }
}

/** The DynamoDB table does not exist. */
export class StateTableMissing extends DroverError {
  constructor(readonly table: string, where: string, cause?: unknown) {
    super(`state table ${table} does not exist${where}; create it with \`drover state init --state dynamodb://${table}\``, { code: 'StateTableMissing', source: 'user', cause });
  }
}

/** `--state` or `DROVER_STATE` is not a state location drover understands. */
export class StateUrlError extends DroverError {
  constructor(message: string) {
    super(message, { code: 'StateUrlInvalid', source: 'user' });
  }
}

/** A name used as a key (fleet, group, instance) is not one. */
export class StateKeyError extends DroverError {
  constructor(message: string) {
    super(message, { code: 'InvalidKey', source: 'controller' });
  }
}

/** This replica does not hold the fleet's shard now (never took it, gave it back, or its lease ran out). */
export class LeaseLost extends DroverError {
  constructor(
    readonly fleet: string,
    readonly shard: number,
  ) {
    super(`acting on fleet ${fleet}: this replica does not hold its shard ${shard} (lease lost, expired or given back); its owner acts on it`, { code: 'LeaseLost', source: 'controller' });
  }
}

import { DynamoStateStore } from './dynamo-store';
import { VirtualClock } from '../../util/clock';
import { startDynalite, type Dynalite } from '../../../test/support/dynalite';
import { stateStoreContract } from '../../../test/support/state-contract';

let db: Dynalite;
beforeAll(async () => {
  db = await startDynalite();
});
afterAll(() => db.close());

stateStoreContract('DynamoDB (dynalite)', async () => new DynamoStateStore(await db.table(new VirtualClock())));

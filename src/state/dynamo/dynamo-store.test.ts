import { VirtualClock } from '../../util/clock';
import { useDynalite } from '../../../test/support/dynalite';
import { stateStoreContract } from '../../../test/support/state-contract';

const db = useDynalite();

stateStoreContract('DynamoDB (dynalite)', () => db.store(new VirtualClock()));

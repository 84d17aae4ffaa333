/**
 * The daemon records a batch in the bake register before it deletes the batch's messages. A crash
 * in between (here: every DeleteMessageBatch attempt fails, then the process is gone) leaves the
 * message on the queue; the next daemon on the same state directory receives it again and the
 * register dedupes it by message id: no second bake request, no register change.
 */
import { RecordRegisterPersistence } from '../src/controllers/intake/bake-register-records';
import { mergeRequestHook } from '../src/bench/payloads';
import { createMemoryLogger } from '../src/log/logger';
import { createDaemon } from '../src/main/daemon';
import { seededRandom } from '../src/util/backoff';
import { createDaemonEnv, QUEUE, recordingFactory } from './daemon-env';

const MERGE = { 'X-Gitlab-Event': 'Merge Request Hook', 'drover-source': 'gitlab' };
const SHA = 'b'.repeat(40);

it('a crash between the register write and the delete redelivers the message, and the restarted daemon dedupes it', async () => {
  const first = recordingFactory();
  const env = createDaemonEnv({ options: { reconcilerFactory: first.factory } });
  try {
    await env.daemon.start();
    env.sim.failNext('SQS', 'DeleteMessageBatch', 'InternalError', 3);
    const { messageId } = await env.send(JSON.stringify(mergeRequestHook({ mergeCommit: SHA })), MERGE);
    expect(await env.drive(60_000, () => env.logger.events('intake.delete_failed').length > 0)).toBe(true);
    expect(first.get().bakes.map((b) => b.sha)).toEqual([SHA]);
    expect(env.sim.peekQueue(QUEUE)).toHaveLength(1);
    const written = JSON.stringify(await new RecordRegisterPersistence(env.stateDir).read());
    expect(JSON.parse(written).fleets.shop.inFlight).toMatchObject({ commit: SHA, messageId });
    await env.stop();

    const logger = createMemoryLogger();
    const second = recordingFactory();
    const daemon = createDaemon({
      dir: env.dir,
      stateDir: env.stateDir,
      clients: env.clients,
      clock: env.clock,
      sleep: env.sleep,
      logger,
      listen: false,
      sim: env.sim,
      random: seededRandom(7),
      manifestPollMs: false,
      git: async () => ({ stdout: '', stderr: '' }),
      reconcilerFactory: second.factory,
    });
    await daemon.start();
    expect(await env.drive(120_000, () => env.sim.peekQueue(QUEUE).length === 0)).toBe(true);
    expect(logger.events('bake.requested')).toEqual([expect.objectContaining({ outcome: 'duplicate', messageId })]);
    expect(JSON.stringify(await new RecordRegisterPersistence(env.stateDir).read())).toBe(written);
    await env.during(daemon.stop());
  } finally {
    env.cleanup();
  }
});

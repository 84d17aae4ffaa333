/**
 * A throttled or failing SQS at start must not end the daemon: ensuring the event queue is
 * retried with backoff (the chaos soak found the daemon exiting on a throttled
 * GetQueueAttributes). An error that is not transient still fails the start.
 */
import { createDaemonEnv, QUEUE, recordingFactory, type DaemonEnv } from './daemon-env';
import { stopAfterEach } from './support/daemon-hooks';

describe('drover daemon start', () => {
  let env: DaemonEnv;
  stopAfterEach(() => env);

  it('retries ensuring the event queue while SQS throttles, then starts polling it', async () => {
    env = createDaemonEnv({ options: { reconcilerFactory: recordingFactory().factory } });
    env.sim.failNext('SQS', 'GetQueueUrl', 'Throttling', 2);
    env.sim.failNext('SQS', 'GetQueueAttributes', 'InternalError', 1);
    await env.during(env.daemon.start());
    expect(env.daemon.queueInfo?.name).toBe(QUEUE);
    expect(env.logger.events('aws.retry').length).toBe(3);
    const faults = env.sim.calls.filter((c) => c.service === 'SQS' && c.error && !/QueueDoesNotExist|NonExistentQueue/.test(c.error)).map((c) => c.error);
    expect(faults).toEqual(['ThrottlingException', 'ThrottlingException', 'InternalError']);
  });

  it('still fails on an error retrying cannot fix', async () => {
    env = createDaemonEnv({ options: { reconcilerFactory: recordingFactory().factory } });
    env.sim.failNext('SQS', 'GetQueueUrl', 'AccessDenied', 1);
    const failed = await env.during(env.daemon.start().then(() => undefined, (err: Error) => err));
    expect(failed?.message).toMatch(/^ensuring event queue drover-events: .*AccessDenied/);
    expect(env.logger.events('aws.retry')).toEqual([]);
  });
});

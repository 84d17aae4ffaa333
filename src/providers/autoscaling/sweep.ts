/**
 * Builders left behind when a bake's record was lost (a crash with the snapshot deleted):
 * any live instance tagged as this fleet's builder, while no bake runs, is terminated.
 * Tags are the ground truth, so nothing drover does not own is touched.
 */
import { call } from '../../aws/call';
import { paginate } from '../../aws/paginate';
import type { Instance } from '../../aws/types';
import type { AwsPort } from '../../aws/port';
import { MANAGED_BY, TAG_FLEET, TAG_MANAGED_BY, TAG_ROLE } from '../../model/names';
import { type DeployPortsContext } from '../deploy-context';

const LIVE = ['pending', 'running', 'stopping', 'stopped'];

/** Terminate this fleet's leftover builders; returns their ids. */
export async function sweepBuilders(clients: AwsPort, ctx: DeployPortsContext): Promise<string[]> {
  const fleet = ctx.fleet.name;
  const instances = await paginate(
    (NextToken) =>
      call(ctx, 'listing builder instances', () =>
        clients.ec2.DescribeInstances({
          Filters: [
            { Name: `tag:${TAG_FLEET}`, Values: [fleet] },
            { Name: `tag:${TAG_MANAGED_BY}`, Values: [MANAGED_BY] },
            { Name: `tag:${TAG_ROLE}`, Values: ['builder'] },
            { Name: 'instance-state-name', Values: LIVE },
          ],
          NextToken,
        }),
      ),
    (page) => (page.Reservations ?? []).flatMap((r) => r.Instances ?? []),
  );
  const ids = instances.map((i: Instance) => i.InstanceId ?? '').filter(Boolean);
  if (ids.length) {
    await call(ctx, `terminating leftover builders ${ids.join(', ')}`, () => clients.ec2.TerminateInstances({ InstanceIds: ids }));
  }
  return ids;
}

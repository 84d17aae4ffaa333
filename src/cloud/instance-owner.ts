/**
 * Which fleet owns an instance, by its `drover:fleet` tag (the same ownership tag every
 * drover resource carries). Undefined when the instance is gone or carries no such tag.
 */
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { TAG_FLEET } from '../model/names';
import { awsCall, type CallContext } from './call';
import type { AwsClients } from './clients';
import { isNotFound } from './errors';
import { tagsFromList } from './tags';

export type InstanceOwnerLookup = (instanceId: string) => Promise<string | undefined>;

export function instanceOwnerLookup(clients: Pick<AwsClients, 'ec2'>, ctx: CallContext): InstanceOwnerLookup {
  return async (instanceId) => {
    try {
      const out = await awsCall(ctx, `describing instance ${instanceId}`, () => clients.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
      const instance = out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
      return tagsFromList(instance?.Tags)[TAG_FLEET] || undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}

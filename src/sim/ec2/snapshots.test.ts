import { CreateImageCommand, DeleteSnapshotCommand, DeregisterImageCommand, DescribeImagesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { SimAccount } from '../index';
import { AMI_BASE, simClients, SUBNETS } from '../../../test/support/sim';

async function imaged(tags = [{ Key: 'drover:fleet', Value: 'shop' }]) {
  const sim = new SimAccount({ seed: 11 });
  const { ec2 } = simClients(sim);
  const id = (await ec2.send(new RunInstancesCommand({ ImageId: AMI_BASE, InstanceType: 't3.small', MinCount: 1, MaxCount: 1, SubnetId: SUBNETS[0] }))).Instances![0].InstanceId!;
  sim.advance(45_000);
  const { ImageId } = await ec2.send(
    new CreateImageCommand({ InstanceId: id, Name: `shop-${id}`, TagSpecifications: [{ ResourceType: 'image', Tags: tags }, { ResourceType: 'snapshot', Tags: tags }] }),
  );
  const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images![0];
  const snapshotId = image.BlockDeviceMappings![0].Ebs!.SnapshotId!;
  return { sim, ec2, imageId: ImageId!, snapshotId };
}

describe('EBS snapshots behind images', () => {
  it('CreateImage makes a tagged snapshot that the image lists', async () => {
    const { sim, snapshotId } = await imaged();
    expect(snapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
    expect(sim.snapshot().snapshots?.[snapshotId]).toMatchObject({ id: snapshotId, tags: { 'drover:fleet': 'shop' } });
  });

  it('refuses to delete a snapshot a registered image uses, as AWS does', async () => {
    const { ec2, imageId, snapshotId } = await imaged();
    const err = await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })).catch((e) => e);
    expect(err.name).toBe('InvalidSnapshot.InUse');
    expect(err.message).toBe(`The snapshot ${snapshotId} is currently in use by ${imageId}`);
  });

  it('DeregisterImage leaves the snapshot; DeleteSnapshot then deletes it; again is NotFound', async () => {
    const { sim, ec2, imageId, snapshotId } = await imaged();
    await ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    expect(sim.snapshot().snapshots?.[snapshotId]).toBeDefined();
    await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }));
    expect(sim.snapshot().snapshots?.[snapshotId]).toBeUndefined();
    const again = await ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId })).catch((e) => e);
    expect(again.name).toBe('InvalidSnapshot.NotFound');
  });

  it('DeregisterImage with DeleteAssociatedSnapshots deletes the snapshot with the image', async () => {
    const { sim, ec2, imageId, snapshotId } = await imaged();
    const out = await ec2.send(new DeregisterImageCommand({ ImageId: imageId, DeleteAssociatedSnapshots: true }));
    expect(out.DeleteSnapshotResults).toEqual([{ SnapshotId: snapshotId, ReturnCode: 'success' }]);
    expect(sim.snapshot().snapshots?.[snapshotId]).toBeUndefined();
    expect(sim.snapshot().images[imageId]).toBeUndefined();
  });
});

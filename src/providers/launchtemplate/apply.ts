/** Apply handlers for the launch template, and the AMI check that runs before it is created. */
import { call } from '../../aws/call';
import type { RequestLaunchTemplateData } from '../../aws/types';
import type { AwsPort } from '../../aws/port';
import type { LaunchTemplateIdParams, TemplateParams, TemplateVersionParams } from '../../model/plan-params';
import { fillFileSystemId } from '../../model/user-data';
import { CloudError, isInvalid, isNotFound } from '../../aws/errors';
import { ownedTagList } from '../../aws/tags';
import { createOwned, tolerateNotFound, type ApplyContext, type StepHandler, tagsIfFound } from '../apply-context';
import { resolveFileSystemId } from '../storage/apply';

async function templateData(clients: AwsPort, p: TemplateParams, ctx: ApplyContext): Promise<RequestLaunchTemplateData> {
  // The planner rendered the user-data; a file system the same plan created is known only now.
  const s = p.storage;
  const userData = s && !s.fileSystemId ? fillFileSystemId(p.userData, await resolveFileSystemId(clients, s.creationToken, ctx)) : p.userData;
  return {
    ImageId: p.imageId,
    InstanceType: p.instanceType as RequestLaunchTemplateData['InstanceType'],
    ...(p.keyName ? { KeyName: p.keyName } : {}),
    SecurityGroupIds: p.securityGroups,
    ...(userData ? { UserData: Buffer.from(userData, 'utf8').toString('base64') } : {}),
  };
}

export const createLaunchTemplate: StepHandler<TemplateParams> = async (clients, p, ctx) => {
  const data = await templateData(clients, p, ctx);
  const what = `creating launch template ${p.name}`;
  return createOwned(
    ctx,
    what,
    async () => {
      const out = await call(ctx, what, () =>
        clients.ec2.CreateLaunchTemplate({
          LaunchTemplateName: p.name,
          VersionDescription: `drover: ${p.imageId}`,
          LaunchTemplateData: data,
          TagSpecifications: [{ ResourceType: 'launch-template', Tags: ownedTagList(ctx.fleet, p.name) }],
        }),
      );
      return { status: 'done', detail: { launchTemplateId: out.LaunchTemplate?.LaunchTemplateId } };
    },
    async () => {
      const out = await call(ctx, `describing launch template ${p.name}`, () =>
        clients.ec2.DescribeLaunchTemplates({ LaunchTemplateNames: [p.name] }),
      );
      return tagsIfFound(out.LaunchTemplates?.[0]);
    },
  );
};

/** A new version becomes the default, and the active group (if any) is pinned to it. */
export const createLaunchTemplateVersion: StepHandler<TemplateVersionParams> = async (clients, p, ctx) => {
  const data = await templateData(clients, p, ctx);
  const out = await call(ctx, `creating a version of launch template ${p.name}`, () =>
    clients.ec2.CreateLaunchTemplateVersion({ LaunchTemplateId: p.launchTemplateId, VersionDescription: `drover: ${p.imageId}`, LaunchTemplateData: data }),
  );
  const version = String(out.LaunchTemplateVersion?.VersionNumber ?? '');
  await call(ctx, `making version ${version} the default of launch template ${p.name}`, () =>
    clients.ec2.ModifyLaunchTemplate({ LaunchTemplateId: p.launchTemplateId, DefaultVersion: version }),
  );
  if (p.groupName) {
    await call(ctx, `pinning group ${p.groupName} to launch template version ${version}`, () =>
      clients.autoScaling.UpdateAutoScalingGroup({
        AutoScalingGroupName: p.groupName,
        LaunchTemplate: { LaunchTemplateId: p.launchTemplateId, Version: version },
      }),
    );
  }
  return { status: 'done', detail: { version: Number(version) } };
};

export const deleteLaunchTemplate: StepHandler<LaunchTemplateIdParams> = (clients, p, ctx) =>
  tolerateNotFound(() =>
    call(ctx, `deleting launch template ${p.launchTemplateId}`, () =>
      clients.ec2.DeleteLaunchTemplate({ LaunchTemplateId: p.launchTemplateId }),
    ),
  );

/**
 * Make sure an AMI exists before anything is built on it, so a typo leaves nothing behind:
 * `launching fleet magento: AMI ami-… does not exist (InvalidAMIID.NotFound)`.
 */
export async function validateImage(clients: AwsPort, imageId: string, ctx: ApplyContext, context = `launching fleet ${ctx.fleet}`): Promise<void> {
  const missing = (code: string, cause?: unknown) =>
    new CloudError(`${context}: AMI ${imageId} does not exist (${code})`, { errorClass: 'notFound', awsCode: code, cause });
  try {
    const out = await call(ctx, `describing AMI ${imageId}`, () => clients.ec2.DescribeImages({ ImageIds: [imageId] }));
    const image = out.Images?.find((i) => i.ImageId === imageId);
    if (!image) throw missing('InvalidAMIID.NotFound');
    if (image.State && image.State !== 'available') {
      throw new CloudError(`${context}: AMI ${imageId} is ${image.State}, not available`, { errorClass: 'invalid', awsCode: 'InvalidAMIID.Unavailable' });
    }
  } catch (err) {
    if (err instanceof CloudError && (isNotFound(err) || isInvalid(err)) && !err.message.startsWith(context)) {
      throw missing(err.awsCode ?? 'InvalidAMIID.NotFound', err);
    }
    throw err;
  }
}

/** Observe the fleet's launch template (`drover-<fleet>`) and the versions its groups pin. */
import { call } from '../../aws/call';
import type { LaunchTemplate } from '../../aws/types';
import { isOwnedBy, resourceNames } from '../../model/names';
import type { NameConflict, ObservedGroup, ObservedLaunchTemplate } from '../../model/observed';
import type { AwsPort } from '../../aws/port';
import { isNotFound } from '../../aws/errors';
import { tagsFromList } from '../../aws/tags';
import type { Reader } from '../observe-context';

export interface LaunchTemplateObservation {
  launchTemplate?: ObservedLaunchTemplate;
  conflict?: NameConflict;
}

export async function observeLaunchTemplate(
  clients: AwsPort,
  fleet: string,
  groups: ObservedGroup[],
  r: Reader,
): Promise<LaunchTemplateObservation> {
  const name = resourceNames(fleet).launchTemplate;
  const lt = await describeByName(clients, name, r);
  if (!lt) return {};
  const tags = tagsFromList(lt.Tags);
  if (!isOwnedBy(tags, fleet)) return { conflict: { resourceType: 'launchTemplate', name } };
  const id = lt.LaunchTemplateId ?? '';
  // Versions pinned by groups being deleted may already be gone: ask only for live groups'.
  const pinned = groups
    .filter((g) => g.launchTemplate?.id === id && /^\d+$/.test(g.launchTemplate.version) && g.lifecycle !== 'deleting')
    .map((g) => g.launchTemplate!.version);
  const describe = (versions: string[]) =>
    call(r, `describing versions of launch template ${name}`, () =>
      clients.ec2.DescribeLaunchTemplateVersions({ LaunchTemplateId: id, Versions: versions }),
    );
  let out;
  try {
    out = await describe(['$Default', ...new Set(pinned)]);
  } catch (err) {
    // One vanished version fails the whole call; the default version is what the plan needs.
    if (!isNotFound(err) || pinned.length === 0) throw err;
    out = await describe(['$Default']);
  }
  const versions = out.LaunchTemplateVersions ?? [];
  const def = versions.find((v) => v.DefaultVersion) ?? versions.find((v) => v.VersionNumber === lt.DefaultVersionNumber);
  const data = def?.LaunchTemplateData ?? {};
  const versionImages: Record<string, string> = {};
  for (const v of versions) if (v.VersionNumber !== undefined) versionImages[String(v.VersionNumber)] = v.LaunchTemplateData?.ImageId ?? '';
  return {
    launchTemplate: {
      id,
      name,
      tags,
      defaultVersion: lt.DefaultVersionNumber ?? 0,
      latestVersion: lt.LatestVersionNumber ?? 0,
      imageId: data.ImageId ?? '',
      instanceType: data.InstanceType ?? '',
      ...(data.KeyName ? { keyName: data.KeyName } : {}),
      securityGroups: data.SecurityGroupIds ?? [],
      userData: data.UserData ? Buffer.from(data.UserData, 'base64').toString('utf8') : '',
      versionImages,
    },
  };
}

async function describeByName(clients: AwsPort, name: string, r: Reader): Promise<LaunchTemplate | undefined> {
  try {
    const out = await call(r, `describing launch template ${name}`, () =>
      clients.ec2.DescribeLaunchTemplates({ LaunchTemplateNames: [name] }),
    );
    return out.LaunchTemplates?.find((t) => t.LaunchTemplateName === name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

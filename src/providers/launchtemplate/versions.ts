/**
 * Launch template versions for deployments: one version per (label, AMI), found again by its
 * description after a restore; the default version follows the serving group; versions no
 * live group pins are deleted, keeping only the one before the default for a fast undo.
 */
import { call, callOrMissing } from '../../aws/call';
import { paginate } from '../../aws/paginate';
import type { LaunchTemplateVersion } from '../../aws/types';
import { isOwnedBy, resourceNames } from '../../model/names';
import type { AwsPort } from '../../aws/port';
import { tagsFromList } from '../../aws/tags';
import { deployError, type DeployPortsContext } from '../deploy-context';
import { fleetGroups } from '../autoscaling/fleet-groups';

export interface FleetTemplate {
  id: string;
  defaultVersion: number;
  latestVersion: number;
}

/** The fleet's own launch template, or undefined when there is none (or the name is not drover's). */
export async function findFleetTemplate(clients: AwsPort, ctx: DeployPortsContext): Promise<FleetTemplate | undefined> {
  const name = resourceNames(ctx.fleet.name).launchTemplate;
  const out = await callOrMissing(ctx, `describing launch template ${name}`, () =>
    clients.ec2.DescribeLaunchTemplates({ LaunchTemplateNames: [name] }),
  );
  const lt = out?.LaunchTemplates?.find((t) => t.LaunchTemplateName === name);
  if (!lt?.LaunchTemplateId || !isOwnedBy(tagsFromList(lt.Tags), ctx.fleet.name)) return undefined;
  return { id: lt.LaunchTemplateId, defaultVersion: lt.DefaultVersionNumber ?? 1, latestVersion: lt.LatestVersionNumber ?? 1 };
}

export async function fleetTemplate(clients: AwsPort, ctx: DeployPortsContext): Promise<FleetTemplate> {
  const lt = await findFleetTemplate(clients, ctx);
  if (lt) return lt;
  const name = resourceNames(ctx.fleet.name).launchTemplate;
  throw deployError(ctx, `describing launch template ${name}`, 'it does not exist or lacks drover tags', 'notFound');
}

async function versions(clients: AwsPort, ctx: DeployPortsContext, lt: FleetTemplate): Promise<LaunchTemplateVersion[]> {
  return paginate(
    (NextToken) =>
      call(ctx, `describing versions of launch template ${lt.id}`, () =>
        clients.ec2.DescribeLaunchTemplateVersions({ LaunchTemplateId: lt.id, NextToken }),
      ),
    (page) => page.LaunchTemplateVersions,
  );
}

export function versionDescription(label: string, amiId: string): string {
  return `drover: ${label} (${amiId})`;
}

/**
 * The version made for `label` with `amiId`, else a new one copied from the default version
 * with only the image changed. `previousVersion` is the default it was made from.
 */
export async function ensureImageVersion(
  clients: AwsPort,
  ctx: DeployPortsContext,
  p: { label: string; amiId: string },
): Promise<{ version: number; previousVersion?: number }> {
  const lt = await fleetTemplate(clients, ctx);
  const description = versionDescription(p.label, p.amiId);
  const existing = (await versions(clients, ctx, lt)).find(
    (v) => v.VersionDescription === description && v.LaunchTemplateData?.ImageId === p.amiId,
  );
  const previous = (version: number) => (lt.defaultVersion !== version ? { previousVersion: lt.defaultVersion } : {});
  if (existing?.VersionNumber) return { version: existing.VersionNumber, ...previous(existing.VersionNumber) };
  const out = await call(ctx, `creating launch template version for ${p.label} with ${p.amiId}`, () =>
    clients.ec2.CreateLaunchTemplateVersion({
      LaunchTemplateId: lt.id,
      SourceVersion: String(lt.defaultVersion),
      VersionDescription: description,
      LaunchTemplateData: { ImageId: p.amiId },
    }),
  );
  const version = out.LaunchTemplateVersion?.VersionNumber;
  if (!version) throw deployError(ctx, `creating launch template version for ${p.label}`, 'no version number returned', 'server');
  return { version, ...previous(version) };
}

/** Make `version` the template's default (what the planner compares the manifest with). */
export async function setDefaultVersion(clients: AwsPort, ctx: DeployPortsContext, version: number): Promise<void> {
  const lt = await fleetTemplate(clients, ctx);
  if (lt.defaultVersion === version) return;
  await call(ctx, `making version ${version} the default of launch template ${lt.id}`, () =>
    clients.ec2.ModifyLaunchTemplate({ LaunchTemplateId: lt.id, DefaultVersion: String(version) }),
  );
}

/** Delete versions that neither the default, a live group, nor the undo target (the newest below the default) use. */
export async function pruneVersions(clients: AwsPort, ctx: DeployPortsContext): Promise<number[]> {
  const lt = await findFleetTemplate(clients, ctx);
  if (!lt) return [];
  const groups = await fleetGroups(clients, ctx);
  const keep = new Set<number>([lt.defaultVersion]);
  for (const g of groups) {
    if (g.launchTemplate?.id !== lt.id || g.lifecycle === 'deleting') continue;
    const pinned = g.launchTemplate.version === '$Default' ? lt.defaultVersion : g.launchTemplate.version === '$Latest' ? lt.latestVersion : Number(g.launchTemplate.version);
    keep.add(pinned);
  }
  const all = (await versions(clients, ctx, lt)).map((v) => v.VersionNumber ?? 0).filter((n) => n > 0);
  const older = all.filter((n) => n < lt.defaultVersion).sort((a, b) => b - a);
  if (older[0] !== undefined) keep.add(older[0]);
  const doomed = all.filter((n) => !keep.has(n)).sort((a, b) => a - b);
  if (!doomed.length) return [];
  await call(ctx, `deleting versions ${doomed.join(', ')} of launch template ${lt.id}`, () =>
    clients.ec2.DeleteLaunchTemplateVersions({ LaunchTemplateId: lt.id, Versions: doomed.map(String) }),
  );
  return doomed;
}

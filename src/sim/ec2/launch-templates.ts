/** EC2 launch templates and their versions. */
import { SimCore, tagList } from '../core';
import { HandlerMap } from '../handler';
import { paginate } from '../paginate';
import { buildTagIndex, keyRank, pickInOrder, tagKey } from '../indexes';
import { LaunchTemplateRec, LaunchTemplateVersionRec } from '../state';
import { matchesFilters, tagFilterValues, tagsFromSpecs } from './filters';

const CREATED_BY = (sim: SimCore) => `arn:aws:iam::${sim.state.accountId}:user/drover`;

export function findTemplate(sim: SimCore, ref: { LaunchTemplateId?: string; LaunchTemplateName?: string }): LaunchTemplateRec {
  if (ref.LaunchTemplateId) {
    const lt = sim.state.launchTemplates[ref.LaunchTemplateId];
    if (!lt) throw sim.error('EC2', 'InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${ref.LaunchTemplateId}, does not exist.`);
    return lt;
  }
  const lt = templateByName(sim, ref.LaunchTemplateName);
  if (!lt) {
    throw sim.error('EC2', 'InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${ref.LaunchTemplateName}, does not exist.`);
  }
  return lt;
}

/** The launch template with this name (names are unique in an account), through the name index. */
export function templateByName(sim: SimCore, name: string | undefined): LaunchTemplateRec | undefined {
  if (name === undefined) return Object.values(sim.state.launchTemplates).find((t) => t.name === name);
  const index = sim.indexes.get(sim.state, 'launchTemplates.names', (s) => buildTagIndex(Object.values(s.launchTemplates), (t) => [['name', t.name]]));
  return (index.byTag.get(tagKey('name', name)) ?? []).find((t) => sim.state.launchTemplates[t.id] === t && t.name === name);
}

/** Resolve `$Latest`, `$Default` or a number to a version record. */
export function findVersion(sim: SimCore, lt: LaunchTemplateRec, version: string | number | undefined): LaunchTemplateVersionRec {
  const v = version === undefined || version === '$Default' ? lt.defaultVersion : version === '$Latest' ? lt.latestVersion : Number(version);
  const rec = lt.versions.find((x) => x.number === v);
  if (!rec) {
    throw sim.error('EC2', 'InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${version} for launch template ${lt.id}`);
  }
  return rec;
}

function templateOut(sim: SimCore, lt: LaunchTemplateRec) {
  return {
    LaunchTemplateId: lt.id,
    LaunchTemplateName: lt.name,
    CreateTime: sim.date(lt.createdAt),
    CreatedBy: CREATED_BY(sim),
    DefaultVersionNumber: lt.defaultVersion,
    LatestVersionNumber: lt.latestVersion,
    Tags: tagList(lt.tags),
  };
}

function versionOut(sim: SimCore, lt: LaunchTemplateRec, v: LaunchTemplateVersionRec) {
  return {
    LaunchTemplateId: lt.id,
    LaunchTemplateName: lt.name,
    VersionNumber: v.number,
    VersionDescription: v.description,
    CreateTime: sim.date(v.createdAt),
    CreatedBy: CREATED_BY(sim),
    DefaultVersion: v.number === lt.defaultVersion,
    LaunchTemplateData: v.data,
  };
}

function createLaunchTemplate(sim: SimCore, input: any) {
  const name = String(input.LaunchTemplateName ?? '');
  if (!/^[a-zA-Z0-9().\-/_]{3,128}$/.test(name)) {
    throw sim.error('EC2', 'InvalidLaunchTemplateName.MalformedException', `The launch template name '${name}' is malformed.`);
  }
  if (!input.LaunchTemplateData) throw sim.error('EC2', 'MissingParameter', 'The request must contain the parameter LaunchTemplateData');
  if (templateByName(sim, name)) {
    throw sim.error('EC2', 'InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
  }
  const lt: LaunchTemplateRec = {
    id: sim.id('lt'),
    name,
    createdAt: sim.now(),
    defaultVersion: 1,
    latestVersion: 1,
    tags: tagsFromSpecs(input.TagSpecifications, 'launch-template'),
    versions: [{ number: 1, description: input.VersionDescription, createdAt: sim.now(), data: input.LaunchTemplateData }],
  };
  sim.state.launchTemplates[lt.id] = lt;
  sim.indexes.invalidate();
  return { LaunchTemplate: templateOut(sim, lt) };
}

function createLaunchTemplateVersion(sim: SimCore, input: any) {
  const lt = findTemplate(sim, input);
  const base = input.SourceVersion !== undefined ? findVersion(sim, lt, input.SourceVersion).data : {};
  const v: LaunchTemplateVersionRec = {
    number: lt.latestVersion + 1,
    description: input.VersionDescription,
    createdAt: sim.now(),
    data: { ...base, ...(input.LaunchTemplateData ?? {}) },
  };
  lt.versions.push(v);
  lt.latestVersion = v.number;
  return { LaunchTemplateVersion: versionOut(sim, lt, v) };
}

function modifyLaunchTemplate(sim: SimCore, input: any) {
  const lt = findTemplate(sim, input);
  if (input.DefaultVersion !== undefined) lt.defaultVersion = findVersion(sim, lt, input.DefaultVersion).number;
  return { LaunchTemplate: templateOut(sim, lt) };
}

function describeLaunchTemplates(sim: SimCore, input: any) {
  const ids: string[] | undefined = input.LaunchTemplateIds?.length ? input.LaunchTemplateIds : undefined;
  const names: string[] | undefined = input.LaunchTemplateNames?.length ? input.LaunchTemplateNames : undefined;
  ids?.forEach((id) => findTemplate(sim, { LaunchTemplateId: id }));
  for (const n of names ?? []) {
    if (!templateByName(sim, n)) {
      throw sim.error('EC2', 'InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
    }
  }
  const pool = names && !ids ? pickInOrder(sim.state.launchTemplates, names.map((n) => templateByName(sim, n)!.id), () => sim.indexes.get(sim.state, 'launchTemplates.rank', (s) => keyRank(s.launchTemplates))) : Object.values(sim.state.launchTemplates);
  const all = pool.filter(
    (t) =>
      (!ids || ids.includes(t.id)) &&
      (!names || names.includes(t.name)) &&
      matchesFilters(sim, input.Filters, (n) => (n === 'launch-template-name' ? [t.name] : tagFilterValues(t.tags, n))),
  );
  const page = paginate(sim, 'EC2', all, input.NextToken, input.MaxResults);
  return { LaunchTemplates: page.items.map((t) => templateOut(sim, t)), NextToken: page.next };
}

function describeLaunchTemplateVersions(sim: SimCore, input: any) {
  const lt = findTemplate(sim, input);
  let versions: LaunchTemplateVersionRec[];
  if (input.Versions?.length) {
    const picked = (input.Versions as string[]).map((v) => findVersion(sim, lt, v));
    versions = picked.filter((v, i) => picked.indexOf(v) === i);
  } else {
    const min = input.MinVersion !== undefined ? Number(input.MinVersion) : 1;
    const max = input.MaxVersion !== undefined ? Number(input.MaxVersion) : Infinity;
    versions = [...lt.versions].filter((v) => v.number >= min && v.number <= max).sort((a, b) => b.number - a.number);
  }
  const page = paginate(sim, 'EC2', versions, input.NextToken, input.MaxResults);
  return { LaunchTemplateVersions: page.items.map((v) => versionOut(sim, lt, v)), NextToken: page.next };
}

function deleteLaunchTemplate(sim: SimCore, input: any) {
  const lt = findTemplate(sim, input);
  delete sim.state.launchTemplates[lt.id];
  return { LaunchTemplate: templateOut(sim, lt) };
}

function deleteLaunchTemplateVersions(sim: SimCore, input: any) {
  const lt = findTemplate(sim, input);
  const ok: any[] = [];
  const bad: any[] = [];
  const ref = { LaunchTemplateId: lt.id, LaunchTemplateName: lt.name };
  for (const raw of (input.Versions ?? []) as string[]) {
    const n = Number(raw);
    const v = lt.versions.find((x) => x.number === n);
    if (!v) {
      bad.push({ ...ref, VersionNumber: n, ResponseError: { Code: 'launchTemplateVersionDoesNotExist', Message: 'The specified launch template version does not exist' } });
    } else if (n === lt.defaultVersion) {
      bad.push({ ...ref, VersionNumber: n, ResponseError: { Code: 'unexpectedError', Message: 'Cannot delete the default version of a launch template' } });
    } else {
      lt.versions = lt.versions.filter((x) => x !== v);
      ok.push({ ...ref, VersionNumber: n });
    }
  }
  return { SuccessfullyDeletedLaunchTemplateVersions: ok, UnsuccessfullyDeletedLaunchTemplateVersions: bad };
}

export const LAUNCH_TEMPLATE_HANDLERS: HandlerMap = {
  CreateLaunchTemplate: createLaunchTemplate,
  CreateLaunchTemplateVersion: createLaunchTemplateVersion,
  ModifyLaunchTemplate: modifyLaunchTemplate,
  DescribeLaunchTemplates: describeLaunchTemplates,
  DescribeLaunchTemplateVersions: describeLaunchTemplateVersions,
  DeleteLaunchTemplate: deleteLaunchTemplate,
  DeleteLaunchTemplateVersions: deleteLaunchTemplateVersions,
};

/** Every name GitLab gives the project in a webhook, gathered into one RepositoryRef. */
import type { RepositoryRef } from '../../../model/events';
import { Json, rec, str } from './fields';

/**
 * `project` is the current shape; `repository` (url/homepage) is the legacy one, and a merge
 * request also carries `object_attributes.target`. Earlier sources win, later ones fill gaps.
 */
export function gitlabRepository(payload: Json): RepositoryRef | undefined {
  const sources = [rec(payload, 'project'), rec(rec(payload, 'object_attributes'), 'target'), rec(payload, 'repository')];
  const ref: RepositoryRef = {};
  for (const s of sources) {
    if (!s) continue;
    ref.pathWithNamespace ??= str(s, 'path_with_namespace');
    const legacy = str(s, 'url');
    const legacyIsHttp = !!legacy && /^https?:\/\//i.test(legacy);
    ref.gitSshUrl ??= str(s, 'git_ssh_url') ?? str(s, 'ssh_url') ?? (legacyIsHttp ? undefined : legacy);
    ref.gitHttpUrl ??= str(s, 'git_http_url') ?? str(s, 'http_url') ?? (legacyIsHttp ? legacy : undefined);
    ref.webUrl ??= str(s, 'web_url') ?? str(s, 'homepage');
    ref.defaultBranch ??= str(s, 'default_branch');
  }
  const named = ref.pathWithNamespace ?? ref.gitSshUrl ?? ref.gitHttpUrl ?? ref.webUrl;
  if (!named) return undefined;
  return Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== undefined)) as RepositoryRef;
}


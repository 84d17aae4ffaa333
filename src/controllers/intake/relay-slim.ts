/**
 * SQS caps a message at 256 KiB, GitLab payloads can be larger (long descriptions, many
 * commits, `changes`). When one does not fit, the relay keeps only what drover's parsers read.
 */
import { isRecord, Json } from './parsers/fields';

const MR_ATTRIBUTES = ['iid', 'action', 'state', 'target_branch', 'source_branch', 'merge_commit_sha', 'squash_commit_sha', 'last_commit', 'title', 'url', 'created_at', 'updated_at', 'target'];
const PROJECT_FIELDS = ['path_with_namespace', 'git_ssh_url', 'git_http_url', 'web_url', 'default_branch', 'homepage', 'url'];

function pick(obj: unknown, keys: string[]): Json | undefined {
  if (!isRecord(obj)) return undefined;
  return Object.fromEntries(keys.filter((k) => k in obj).map((k) => [k, obj[k]]));
}

export function slimGitlabPayload(payload: Json): Json {
  const project = pick(payload.project, PROJECT_FIELDS);
  if (payload.object_kind === 'merge_request') {
    const attrs = pick(payload.object_attributes, MR_ATTRIBUTES) ?? {};
    if (isRecord(attrs.target)) attrs.target = pick(attrs.target, PROJECT_FIELDS);
    if (isRecord(attrs.last_commit)) attrs.last_commit = pick(attrs.last_commit, ['id', 'timestamp']);
    return { object_kind: payload.object_kind, user: pick(payload.user, ['username']), project, object_attributes: attrs };
  }
  const after = payload.after;
  const commits = Array.isArray(payload.commits) ? payload.commits.filter((c) => isRecord(c) && c.id === after).map((c) => pick(c, ['id', 'timestamp'])) : [];
  return { ...pick(payload, ['object_kind', 'ref', 'before', 'after', 'checkout_sha', 'user_username', 'total_commits_count']), project, commits };
}

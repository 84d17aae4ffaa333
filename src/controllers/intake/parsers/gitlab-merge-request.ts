/**
 * GitLab "Merge Request Hook": `action: merge` becomes merge_requested (the target branch now
 * points at the merge commit); `open`/`reopen` become merge_request_opened (recorded only);
 * every other action (update, close, approved, …) is understood and ignored.
 */
import type { RepositoryRef } from '../../../model/events';
import { ignore, int, isCommitId, isoTime, Json, ParseContext, ParserOutcome, rec, reject, str } from './fields';
import { gitlabRepository } from './gitlab-repository';

const OPENED = new Set(['open', 'reopen']);

export function parseGitlabMergeRequest(payload: Json, ctx: ParseContext): ParserOutcome {
  if (payload.object_kind !== 'merge_request') {
    return reject(`merge request hook: object_kind is ${JSON.stringify(payload.object_kind)}, expected "merge_request"`);
  }
  const attrs = rec(payload, 'object_attributes');
  if (!attrs) return reject('merge request hook: object_attributes is missing or not an object');
  const action = str(attrs, 'action');
  if (!action) return reject('merge request hook: object_attributes.action is missing or not a string');
  if (action !== 'merge' && !OPENED.has(action)) return ignore(`merge request hook: action "${action}" does not deploy`);
  const iid = int(attrs, 'iid');
  if (iid === undefined) return reject('merge request hook: object_attributes.iid is missing or not an integer');
  const branch = str(attrs, 'target_branch');
  if (!branch) return reject('merge request hook: object_attributes.target_branch is missing or not a string');
  const repository = gitlabRepository(payload);
  if (!repository) return reject('merge request hook: project carries no path_with_namespace, git_ssh_url, git_http_url or web_url');
  const common = { repository, branch, title: str(attrs, 'title') ?? '', ...optional(payload, attrs) };
  const at = isoTime(attrs.updated_at ?? attrs.created_at, ctx.fallbackAt);
  if (OPENED.has(action)) {
    return { ok: true, event: { kind: 'merge_request_opened', ...common, iid, sourceBranch: str(attrs, 'source_branch'), at } };
  }
  return mergeEvent(attrs, common, iid, at);
}

/**
 * GitLab's documented fields for the commit a merge put on the target branch: merge_commit_sha
 * (a merge commit), else squash_commit_sha (a squash, also when fast-forwarded). Without
 * either, the merge made no new commit or the payload does not say which: the push to the
 * target branch names the head. last_commit is the SOURCE branch head and is never used.
 */
function mergeEvent(
  attrs: Json,
  common: { repository: RepositoryRef; branch: string; title: string; author?: string; url?: string },
  iid: number,
  at: string,
): ParserOutcome {
  const merged = attrs.merge_commit_sha;
  const squashed = attrs.squash_commit_sha;
  if (merged !== undefined && merged !== null && !isCommitId(merged)) {
    return reject('merge request hook: object_attributes.merge_commit_sha is present but not a full commit id');
  }
  if (squashed !== undefined && squashed !== null && !isCommitId(squashed)) {
    return reject('merge request hook: object_attributes.squash_commit_sha is present but not a full commit id');
  }
  const picked = isCommitId(merged)
    ? { commit: merged.toLowerCase(), commitSource: 'merge_commit_sha' as const }
    : isCommitId(squashed)
      ? { commit: squashed.toLowerCase(), commitSource: 'squash_commit_sha' as const }
      : {};
  return { ok: true, event: { kind: 'merge_requested', ...common, ...picked, mergeRequestIid: iid, at } };
}

function optional(payload: Json, attrs: Json): { author?: string; url?: string } {
  const author = str(rec(payload, 'user'), 'username');
  const url = str(attrs, 'url');
  return { ...(author ? { author } : {}), ...(url ? { url } : {}) };
}

/**
 * GitLab "Push Hook": a push to a branch becomes push_received with the new head commit.
 * Deleting a branch (after = 000…0) and tag pushes are understood and ignored.
 */
import { ignore, int, isCommitId, isoTime, isRecord, Json, ParseContext, ParserOutcome, reject, str, ZERO_COMMIT } from './fields';
import { gitlabRepository } from './gitlab-repository';

const BRANCH_REF = 'refs/heads/';

export function parseGitlabPush(payload: Json, ctx: ParseContext): ParserOutcome {
  if (payload.object_kind !== 'push') {
    return reject(`push hook: object_kind is ${JSON.stringify(payload.object_kind)}, expected "push"`);
  }
  const ref = str(payload, 'ref');
  if (!ref) return reject('push hook: ref is missing or not a string');
  if (!ref.startsWith(BRANCH_REF)) return ignore(`push hook: ref ${ref} is not a branch`);
  if (ref === BRANCH_REF) return reject('push hook: ref names no branch');
  const before = payload.before;
  const after = payload.after;
  if (!isCommitId(before)) return reject('push hook: before is not a full commit id');
  if (!isCommitId(after)) return reject('push hook: after is not a full commit id');
  if (/^0+$/.test(after)) return ignore(`push hook: branch ${ref.slice(BRANCH_REF.length)} was deleted (after is ${ZERO_COMMIT})`);
  const repository = gitlabRepository(payload);
  if (!repository) return reject('push hook: project carries no path_with_namespace, git_ssh_url, git_http_url or web_url');
  const commits = Array.isArray(payload.commits) ? payload.commits.filter(isRecord) : [];
  const head = commits.find((c) => typeof c.id === 'string' && c.id.toLowerCase() === after.toLowerCase());
  const author = str(payload, 'user_username');
  return {
    ok: true,
    event: {
      kind: 'push_received',
      repository,
      branch: ref.slice(BRANCH_REF.length),
      ref,
      before: before.toLowerCase(),
      after: after.toLowerCase(),
      ...(author ? { author } : {}),
      commitCount: int(payload, 'total_commits_count') ?? commits.length,
      at: isoTime(head?.timestamp, ctx.fallbackAt),
    },
  };
}

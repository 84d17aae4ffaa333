/**
 * Merges in GitLab, as the webhook relay would queue them: the Merge Request Hook JSON on
 * the event queue with `X-Gitlab-Event`. Each commit is decided in advance: good, a broken
 * build (the bake fails), or a never-healthy AMI (the build passes, the image never answers
 * its health check). The ledger keeps every merge for the final verdict.
 */
import type { SimAccount } from '../sim';
import { SOAK_QUEUE, repositoryUrl, type SoakFleet } from './fleets';

export type CommitKind = 'good' | 'broken-build' | 'never-healthy';

export interface MergeRecord {
  fleet: string;
  commit: string;
  kind: CommitKind;
  atMs: number;
  iid: number;
}

export const QUEUE_URL = `https://sqs.eu-west-1.amazonaws.com/123456789012/${SOAK_QUEUE}`;

export class MergeLedger {
  readonly merges: MergeRecord[] = [];
  /** Sends that the queue refused (throttled) and that were retried, as the relay's 503 makes GitLab do. */
  resent = 0;

  constructor(
    private readonly sim: SimAccount,
    private readonly random: () => number,
  ) {}

  /** Merge a new commit of `kind` into `fleet`'s master branch. */
  async merge(fleet: SoakFleet, kind: CommitKind): Promise<MergeRecord> {
    const commit = this.commitId();
    const durationMs = Math.round(120_000 + this.random() * 360_000);
    if (kind === 'broken-build') this.sim.setBuildResult(commit, { ok: false, durationMs, message: 'PHP Fatal error: Uncaught Error: Class "Magento\\Catalog\\Model\\Grid" not found' });
    else this.sim.setBuildResult(commit, { ok: true, durationMs, ...(kind === 'never-healthy' ? { brokenImage: true } : {}) });
    const record: MergeRecord = { fleet: fleet.name, commit, kind, atMs: this.sim.nowMs(), iid: this.merges.length + 1 };
    await this.send(fleet, record);
    this.merges.push(record);
    return record;
  }

  /** The newest merge of each fleet. */
  newest(): Map<string, MergeRecord> {
    const out = new Map<string, MergeRecord>();
    for (const m of this.merges) if (!out.has(m.fleet) || out.get(m.fleet)!.atMs <= m.atMs) out.set(m.fleet, m);
    return out;
  }

  kindOf(commit: string | undefined): CommitKind | undefined {
    return commit ? this.merges.find((m) => m.commit === commit)?.kind : undefined;
  }

  private async send(fleet: SoakFleet, m: MergeRecord): Promise<void> {
    const body = {
      object_kind: 'merge_request',
      user: { username: 'soak' },
      project: { path_with_namespace: fleet.project, git_ssh_url: repositoryUrl(fleet), default_branch: 'master' },
      object_attributes: {
        iid: m.iid,
        action: 'merge',
        state: 'merged',
        source_branch: `feature-${m.iid}`,
        target_branch: 'master',
        merge_commit_sha: m.commit,
        title: `${m.kind} change #${m.iid}`,
        updated_at: new Date(m.atMs).toISOString(),
      },
    };
    const input = {
      QueueUrl: QUEUE_URL,
      MessageBody: JSON.stringify(body),
      MessageAttributes: {
        'X-Gitlab-Event': { DataType: 'String', StringValue: 'Merge Request Hook' },
        'drover-source': { DataType: 'String', StringValue: 'gitlab' },
      },
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.sim.dispatch('SQS', 'SendMessage', input);
        return;
      } catch (err) {
        if (attempt >= 20) throw new Error(`queueing merge ${m.commit.slice(0, 8)} for fleet ${fleet.name}: ${(err as Error).message}`);
        this.resent++;
      }
    }
  }

  private commitId(): string {
    let s = '';
    while (s.length < 40) s += Math.floor(this.random() * 16).toString(16);
    return s;
  }
}

/**
 * Robust repository identity. GitLab names a project several ways (ssh URL, http URL, web
 * URL, `group/project`) and a manifest may use any of them; all compare equal here once
 * `.git`, scheme, user, port and host case are set aside.
 */
import type { RepositoryRef } from '../../model/events';

export interface RepositoryName {
  /** Lowercased host, when the text named one. */
  host?: string;
  /** `group/subgroup/project`, lowercased, without `.git` or surrounding slashes. */
  path: string;
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;
const SCP_LIKE = /^(?:[^@\s/]+@)?([^:\s/]+):(?!\d+\/)\/?(.+)$/;

/** Parsed names by text: every message names its project four ways, compared with every fleet's repository. */
const parsedNames = new Map<string, RepositoryName | undefined>();
const MAX_PARSED = 2_000;

/** The name `text` gives (memoised: a pure function of the text; the result is frozen). */
export function parseRepositoryName(text: string): RepositoryName | undefined {
  if (parsedNames.has(text)) return parsedNames.get(text);
  const name = parseName(text);
  if (parsedNames.size >= MAX_PARSED) parsedNames.clear();
  parsedNames.set(text, name && Object.freeze(name));
  return name;
}

function parseName(text: string): RepositoryName | undefined {
  const s = text.trim();
  if (!s) return undefined;
  if (URL_SCHEME.test(s)) {
    try {
      const url = new URL(s);
      return named(url.hostname, url.pathname);
    } catch {
      return undefined;
    }
  }
  const scp = SCP_LIKE.exec(s);
  if (scp) return named(scp[1], scp[2]);
  return named(undefined, s);
}

function named(host: string | undefined, rawPath: string): RepositoryName | undefined {
  const path = rawPath
    .replace(/\/-\/.*$/, '')
    .replace(/\/+/g, '/')
    .replace(/^\/|\/$/g, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
  if (!path) return undefined;
  return host ? { host: host.toLowerCase().replace(/\.$/, ''), path } : { path };
}

export function sameRepository(a: RepositoryName, b: RepositoryName): boolean {
  return a.path === b.path && (!a.host || !b.host || a.host === b.host);
}

/** True when any name the webhook gave the project matches the configured repository. */
export function repositoryMatches(ref: RepositoryRef, configured: string | undefined): boolean {
  const want = configured === undefined ? undefined : parseRepositoryName(configured);
  if (!want) return false;
  const names = [ref.gitSshUrl, ref.gitHttpUrl, ref.webUrl, ref.pathWithNamespace]
    .map((n) => (n === undefined ? undefined : parseRepositoryName(n)))
    .filter((n): n is RepositoryName => !!n);
  // A host the webhook named must agree with a host the manifest named; bare paths decide only when no host is known.
  const hosted = names.filter((n) => n.host);
  const candidates = want.host && hosted.length ? hosted : names;
  return candidates.some((got) => sameRepository(got, want));
}

/** A short human name for logs and reasons. */
export function describeRepository(ref: RepositoryRef): string {
  return ref.pathWithNamespace ?? ref.webUrl ?? ref.gitHttpUrl ?? ref.gitSshUrl ?? 'unknown repository';
}

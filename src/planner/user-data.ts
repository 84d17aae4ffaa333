/**
 * The launch template's user-data: drover's EFS mount preamble (when the fleet has shared
 * storage), then the manifest's own user-data. Pure: the planner compares it for drift and
 * renders it into the launch template steps, which carry exactly what the provider writes.
 */
import { PREAMBLE_BEGIN, PREAMBLE_END } from '../model/user-data';

export interface SharedStorageMount {
  fileSystemId: string;
  region: string;
  mountPath: string;
}

export function efsDnsName(fileSystemId: string, region: string): string {
  return `${fileSystemId}.efs.${region}.amazonaws.com`;
}

function quote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export function efsMountPreamble(m: SharedStorageMount): string {
  const source = `${efsDnsName(m.fileSystemId, m.region)}:/`;
  const fstab = `${source} ${m.mountPath} nfs4 nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport,_netdev,nofail 0 0`;
  return [
    '#!/bin/bash',
    PREAMBLE_BEGIN,
    'if command -v yum >/dev/null 2>&1; then yum install -y nfs-utils; else apt-get update -y && apt-get install -y nfs-common; fi',
    `mkdir -p ${quote(m.mountPath)}`,
    `grep -qF ${quote(`${source} ${m.mountPath} `)} /etc/fstab || echo ${quote(fstab)} >> /etc/fstab`,
    'mount -a -t nfs4',
    PREAMBLE_END,
  ].join('\n');
}

/** Full user-data (plain text; the adapter base64-encodes it). */
export function renderUserData(userData: string | undefined, mount?: SharedStorageMount): string {
  const own = userData ?? '';
  if (!mount) return own;
  const body = own.replace(/^#!.*\n?/, '');
  return `${efsMountPreamble(mount)}\n${body}`;
}

/**
 * The markers of drover's shared-storage preamble in a launch template's user-data, and the
 * slot for a file system id the planner cannot know yet (the same plan creates the file
 * system): the planner renders the user-data (planner/user-data.ts), the launch template's
 * apply handler fills the slot once the file system exists.
 */

export const PREAMBLE_BEGIN = '# --- drover: shared storage ---';
export const PREAMBLE_END = '# --- end drover ---';

/** Stands for the file system id in a rendered preamble until the file system exists. */
export const FILE_SYSTEM_ID_SLOT = '{fileSystemId}';

/** The user-data with the slot in drover's preamble replaced by `fileSystemId`; the manifest's own part is left as it is. */
export function fillFileSystemId(userData: string, fileSystemId: string): string {
  const end = userData.indexOf(PREAMBLE_END);
  if (end < 0) return userData;
  return userData.slice(0, end).split(FILE_SYSTEM_ID_SLOT).join(fileSystemId) + userData.slice(end);
}

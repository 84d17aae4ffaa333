/** Reading the daemon's JSON state files from the outside (absent or unreadable: undefined). */
import * as fs from 'node:fs';

export function readJsonFile<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

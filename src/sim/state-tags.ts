/** Tags as the sim's state records keep them (key to value); a leaf both state files import. */
export type Tags = Record<string, string>;

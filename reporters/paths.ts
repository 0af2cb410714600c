import { isAbsolute, relative } from 'node:path';

/**
 * A file as reporters show it: relative to the working folder (`.` for the folder itself); names that are not
 * paths (`<stdin>`) as they are.
 */
export function displayPath(cwd: string, path: string): string {
  return isAbsolute(path) ? relative(cwd, path) || '.' : path;
}

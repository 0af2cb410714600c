import { isAbsolute, relative } from 'node:path';
import type { ReportContext } from './types.js';

/**
 * A file as CI systems want it: relative to the repository root (`context.root`, else the working folder), with
 * `/`; a file outside the root absolute; a name that is not a path (`<stdin>`) as it is.
 */
export function repoPath(context: ReportContext, path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(context.root ?? context.cwd, path);
  if (rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split(/[\\/]/).join('/') || '.';
}

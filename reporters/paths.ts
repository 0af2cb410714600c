import { isAbsolute, relative } from 'node:path';
import type { FatalError, Finding } from '../engine/findings.js';

/**
 * A file as reporters show it: relative to the working folder (`.` for the folder itself); names that are not
 * paths (`<stdin>`) as they are.
 */
export function displayPath(cwd: string, path: string): string {
  return isAbsolute(path) ? relative(cwd, path) || '.' : path;
}

/** Findings and fatal errors as archived reports (JSON, the HTML page's data) keep them: every path shown as displayPath shows it. */
export function withDisplayPaths(
  cwd: string,
  report: { findings: readonly Finding[]; errors: readonly FatalError[] },
): { findings: Finding[]; errors: FatalError[] } {
  // Many findings share a file: each path is worked out once.
  const shown = new Map<string, string>();
  const rel = (p: string): string => {
    let r = shown.get(p);
    if (r === undefined) {
      r = displayPath(cwd, p);
      shown.set(p, r);
    }
    return r;
  };
  return {
    findings: report.findings.map((f) => ({
      ...f,
      ...(f.file !== undefined ? { file: rel(f.file) } : {}),
      ...(f.fix ? { fix: { ...f.fix, file: rel(f.fix.file) } } : {}),
    })),
    errors: report.errors.map((e) => ({ ...e, ...(e.file !== undefined ? { file: rel(e.file) } : {}) })),
  };
}

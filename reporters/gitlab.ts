import { createHash } from 'node:crypto';
import type { Severity } from '../language/meta.js';
import { repoPath } from './repo-path.js';
import type { Reporter } from './types.js';

const SEVERITY: Record<Severity, 'blocker' | 'critical' | 'major' | 'minor' | 'info'> = {
  error: 'major',
  warning: 'minor',
  info: 'info',
  suggestion: 'info',
};

/**
 * GitLab Code Quality (`artifacts: reports: codequality`): a JSON array of issues with `description`,
 * `check_name`, `fingerprint`, `severity` and `location.path` relative to the repository root with
 * `lines.begin`. Findings about no file (a live audit, preflight) are placed on the saved facts file when there
 * is one, else on the line 1 of a path named after the command, since GitLab needs a location. Files that could
 * not be checked are `blocker` issues.
 */
export const gitlab: Reporter = (report, context) => {
  const placeholder = `swarmlint-${context.command}`;
  const issues: unknown[] = report.findings.map((f) => ({
    type: 'issue',
    check_name: f.ruleId,
    description:
      f.file === undefined && f.logical.length > 0
        ? `${f.message} (${f.logical.map((l) => `${l.kind} ${l.name}`).join(' › ')})`
        : f.message,
    categories: ['Bug Risk'],
    // Fingerprints are stable across checkouts (engine/fingerprint.ts); `:2` repeats stay distinct.
    fingerprint: f.fingerprint,
    severity: SEVERITY[f.severity],
    location: {
      path: f.file !== undefined ? repoPath(context, f.file) : placeholder,
      lines: { begin: f.line ?? 1, ...(f.endLine !== undefined ? { end: f.endLine } : {}) },
    },
  }));
  for (const e of report.errors) {
    const path = e.file !== undefined ? repoPath(context, e.file) : placeholder;
    issues.push({
      type: 'issue',
      check_name: e.ruleId ?? `swarmlint-${e.kind}-error`,
      description: e.message,
      categories: ['Bug Risk'],
      fingerprint: createHash('sha256')
        .update(`${e.kind}\0${e.ruleId ?? ''}\0${path}\0${e.message.replace(/\d+/g, '#')}`)
        .digest('hex')
        .slice(0, 32),
      severity: 'blocker',
      location: { path, lines: { begin: e.line ?? 1 } },
    });
  }
  return `${JSON.stringify(issues, null, 2)}\n`;
};

import type { LintReport } from '../engine/findings.js';
import { severityRank, type Severity } from '../language/meta.js';

/** ESLint's convention: 0 clean, 1 findings at or over the threshold (or too many warnings), 2 anything fatal. */
export function exitCode(report: LintReport, threshold: Severity | 'none', maxWarnings?: number): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  const failing = threshold !== 'none' && report.findings.some((f) => severityRank(f.severity) >= severityRank(threshold));
  const warnings = report.findings.filter((f) => f.severity === 'warning').length;
  return failing || (maxWarnings !== undefined && warnings > maxWarnings) ? 1 : 0;
}

/** Usage and configuration problems: exit 2 with one line on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

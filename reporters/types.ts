import type { LintReport } from '../engine/findings.js';
import type { Severity } from '../language/meta.js';

/** What a reporter needs to know about a rule that ran or reported. */
export interface RuleDescriptor {
  id: string;
  description: string;
  /** The rule's default severity. */
  severity: Severity;
  helpUri?: string;
  /** How to fix, markdown. */
  remediation?: string;
  fixable: boolean;
}

export interface ReportContext {
  /** Paths are shown relative to this folder. */
  cwd: string;
  rules: readonly RuleDescriptor[];
  /** Colour escapes allowed (a TTY, and no NO_COLOR). */
  color: boolean;
  command: 'lint' | 'preflight' | 'audit';
  /** Wall-clock time of the run, for reporters that show it. */
  durationMs?: number;
  /** When a run last completed with every fact checked, Unix seconds (prometheus keeps it across failures). */
  lastSuccess?: number;
}

/** A reporter is a pure function from the results to text. */
export type Reporter = (report: LintReport, context: ReportContext) => string;

import type { Severity } from '../language/meta.js';
import type { LogicalRef } from '../language/model.js';

/** A text edit in one file: replace `range` (offsets into that file's text, without BOM) with `text`. */
export interface FileEdit {
  file: string;
  range: [number, number];
  text: string;
}

/** What every reporter gets: one problem, where it is, why it matters (the message) and how to fix it. */
export interface Finding {
  /** `overlay-mtu` for built-in rules; `plugin/rule` for a plugin's. */
  ruleId: string;
  messageId?: string;
  severity: Severity;
  message: string;
  /** The file, when the finding is in one (absent for a live audit). 1-based line and column. */
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** The cluster or host objects the finding is about, outermost first (stack › service › port). */
  logical: LogicalRef[];
  /** Stable across runs: see engine/fingerprint.ts. */
  fingerprint: string;
  fix?: FileEdit;
}

/** A document that could not be checked at all, or a rule that failed on it. The CLI exits 2. */
export interface FatalError {
  kind: 'load' | 'rule' | 'config' | 'io' | 'probe';
  message: string;
  file?: string;
  line?: number;
  column?: number;
  ruleId?: string;
}

/** The outcome of linting a set of documents. */
export interface LintReport {
  findings: Finding[];
  errors: FatalError[];
  /** Files that were read (for reporters that list clean files too). */
  files: string[];
  /** Rule ids that ran, for SARIF `tool.driver.rules`. */
  rulesRun: string[];
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

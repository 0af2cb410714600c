import type { LintReport } from '../engine/findings.js';
import type { Severity } from '../language/meta.js';
import type { Facts, Stack } from '../language/model.js';
import type { ClusterProfile } from '../language/settings.js';

/** What a reporter needs to know about a rule that ran or reported. */
export interface RuleDescriptor {
  id: string;
  description: string;
  /** The rule's default severity. */
  severity: Severity;
  helpUri?: string;
  /** How to fix, markdown. */
  remediation?: string;
  /** What the rule checks, in more words than the description: the first paragraph of its doc page's "What it checks". */
  fullDescription?: string;
  fixable: boolean;
}

export interface ReportContext {
  /** Paths are shown relative to this folder. */
  cwd: string;
  /**
   * The repository root: SARIF URIs (`%SRCROOT%`), GitHub annotations and GitLab paths are relative to it.
   * Without it, the working folder.
   */
  root?: string;
  rules: readonly RuleDescriptor[];
  /** Colour escapes allowed (a TTY, and no NO_COLOR). */
  color: boolean;
  command: 'lint' | 'preflight' | 'audit';
  /** Wall-clock time of the run, for reporters that show it. */
  durationMs?: number;
  /** When a run last completed with every fact checked, Unix seconds (prometheus keeps it across failures). */
  lastSuccess?: number;
  /**
   * The documents the run linted, for reporters that draw them (html): each model, and for facts documents the
   * JSON as read (the page embeds it as the run's archive). Absent for reporters that need only findings.
   */
  documents?: readonly ReportDocument[];
  /**
   * The facts file audit or preflight saved (`--save-facts`): SARIF results without a position of their own point
   * at its first line (code scanning needs a file location for every result).
   */
  factsFile?: string;
  /** What the config (or --cluster-facts) says about the cluster: site networks, address pools. */
  cluster?: ClusterProfile;
}

export interface ReportDocument {
  name: string;
  root: Stack | Facts;
  /** The facts document as parsed JSON (facts documents only). */
  raw?: unknown;
}

/** A reporter is a pure function from the results to text. */
export type Reporter = (report: LintReport, context: ReportContext) => string;

import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LintReport } from '../engine/findings.js';
import { didYouMean } from '../engine/suggest.js';
import { SEVERITIES } from '../language/meta.js';
import { FORMATS } from '../reporters/index.js';
import type { ParsedArgs } from './args.js';
import { exitCode, UsageError } from './exit.js';

export const THRESHOLDS = [...SEVERITIES, 'none'] as const;
export type Threshold = (typeof THRESHOLDS)[number];

/** The report options every command shares, read and checked once, before any work is done. */
export interface ReportOptions {
  format: string;
  /** `-o`, absolute. */
  outputFile?: string;
  /** `--failure-threshold`; undefined: the config's. */
  threshold?: Threshold;
  /** `--max-warnings`; null: no limit (-1); undefined: the config's. */
  maxWarnings?: number | null;
  /** `--quiet`: report errors only. */
  quiet: boolean;
  /** `--color` / `--no-color`. */
  color?: boolean;
  /**
   * The repository root (`--sarif-root`, else the git top level above the working folder, else the working
   * folder): SARIF, GitHub and GitLab paths and every fingerprint are relative to it, so two checkouts agree.
   */
  root: string;
}

/** The nearest folder at or above `cwd` with a `.git` (a folder, or the file of a worktree or submodule). */
export function repositoryRoot(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}

/** The formats a command writes: every reporter, or those named. */
export function formatsFor(command: 'lint' | 'audit' | 'preflight'): string[] {
  const all = [...FORMATS];
  // A prometheus textfile describes a cron job's run: audit only (lint keeps it for saved audits).
  return command === 'preflight' ? all.filter((f) => f !== 'prometheus') : all;
}

export function checkFormat(format: string, formats: readonly string[]): void {
  if (!formats.includes(format))
    throw new UsageError(`unknown format "${format}"${didYouMean(format, formats)} (one of: ${formats.join(', ')})`);
}

/** Reads and checks the shared options: a typo (`--max-warnings O`) is a usage error, never a silent default. */
export function readReportOptions(values: ParsedArgs['values'], cwd: string, formats: readonly string[]): ReportOptions {
  const format = (values.format as string | undefined) ?? 'stylish';
  checkFormat(format, formats);
  const max = values['max-warnings'] as string | undefined;
  if (max !== undefined && (!/^-?\d+$/.test(max) || Number(max) < -1))
    throw new UsageError(`--max-warnings ${max}: a whole number, 0 or more (-1: no limit)`);
  const threshold = values['failure-threshold'] as string | undefined;
  if (threshold !== undefined && !(THRESHOLDS as readonly string[]).includes(threshold))
    throw new UsageError(`--failure-threshold ${threshold}: one of ${THRESHOLDS.join(', ')}${didYouMean(threshold, THRESHOLDS)}`);
  const output = values['output-file'] as string | undefined;
  if (output === '') throw new UsageError('--output-file needs a file name');
  const rootFlag = values['sarif-root'] as string | undefined;
  const root = rootFlag !== undefined ? resolve(cwd, rootFlag) : (repositoryRoot(cwd) ?? resolve(cwd));
  if (rootFlag !== undefined && !(existsSync(root) && statSync(root).isDirectory()))
    throw new UsageError(`--sarif-root ${rootFlag}: not a folder`);
  return {
    format,
    ...(output !== undefined ? { outputFile: resolve(cwd, output) } : {}),
    ...(threshold !== undefined ? { threshold: threshold as Threshold } : {}),
    ...(max !== undefined ? { maxWarnings: Number(max) < 0 ? null : Number(max) } : {}),
    quiet: values.quiet === true,
    ...(typeof values.color === 'boolean' ? { color: values.color } : {}),
    root,
  };
}

/** The threshold and warning limit in force: the command line's, else the config's. */
export function limits(
  options: ReportOptions,
  config: { failureThreshold: Threshold; maxWarnings?: number },
): { threshold: Threshold; maxWarnings?: number } {
  const maxWarnings = options.maxWarnings === null ? undefined : (options.maxWarnings ?? config.maxWarnings);
  return { threshold: options.threshold ?? config.failureThreshold, ...(maxWarnings !== undefined ? { maxWarnings } : {}) };
}

/** `--quiet`: only the findings of severity error are reported (the exit code still counts them all). */
export function shown(report: LintReport, options: ReportOptions): LintReport {
  return options.quiet ? { ...report, findings: report.findings.filter((f) => f.severity === 'error') } : report;
}

const plural = (n: number, word: string): string => `${String(n)} ${word}${n === 1 ? '' : 's'}`;

/**
 * The exit code, and when the run fails for findings the console did not show (the report went to `-o`, or
 * `--quiet` hid them), one line on stderr that says why: a red CI job must not have an empty log.
 */
export function finish(
  report: LintReport,
  options: ReportOptions,
  limit: { threshold: Threshold; maxWarnings?: number },
  write: (line: string) => void,
): 0 | 1 | 2 {
  const code = exitCode(report, limit.threshold, limit.maxWarnings);
  const hidden = options.quiet && report.findings.some((f) => f.severity !== 'error');
  if (code === 0 || (!options.outputFile && !hidden)) return code;
  const counts = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => (s === 'error' || s === 'warning' ? plural(n, s) : `${String(n)} ${s}`));
  const parts = [
    ...(counts.length > 0 ? [counts.join(', ')] : []),
    ...(report.errors.length > 0 ? [`${plural(report.errors.length, 'file or rule')} not checked`] : []),
  ];
  const why =
    report.errors.length > 0
      ? 'not everything could be checked'
      : report.findings.some((f) => limit.threshold !== 'none' && SEVERITIES.indexOf(f.severity) <= SEVERITIES.indexOf(limit.threshold))
        ? `findings at or over --failure-threshold ${limit.threshold}`
        : `more than --max-warnings ${String(limit.maxWarnings)} warnings`;
  const where = options.outputFile ? `; the report is in ${options.outputFile}` : ' (--quiet shows errors only)';
  write(`swarmlint: failed: ${parts.join(', ')}: ${why}${where}\n`);
  return code;
}

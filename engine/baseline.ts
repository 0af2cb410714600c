import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Finding } from './findings.js';

/** A baseline: the fingerprints of findings already known, so a cron audit reports only what is new. */
export const BASELINE_FORMAT = 'swarmlint-baseline/1';

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  /** Fingerprint → a few words to recognise it by (rule and message). */
  findings: Record<string, { ruleId: string; message: string }>;
}

export class BaselineError extends Error {
  override readonly name = 'BaselineError';
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message);
  }
}

export function readBaseline(path: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BaselineError(`cannot read the baseline: ${(error as Error).message}`, path);
  }
  const b = data as Partial<Baseline> | null;
  if (b?.format !== BASELINE_FORMAT || typeof b.findings !== 'object')
    throw new BaselineError(`not a baseline (format "${String(b?.format)}", expected "${BASELINE_FORMAT}")`, path);
  return b as Baseline;
}

/** Findings whose fingerprint the baseline does not hold. */
export function newFindings(findings: readonly Finding[], baseline: Baseline): Finding[] {
  return findings.filter((f) => !(f.fingerprint in baseline.findings));
}

/** Writes the findings as a baseline, atomically (a cron job may read it at any time). */
export function writeBaseline(path: string, findings: readonly Finding[]): void {
  const baseline: Baseline = {
    format: BASELINE_FORMAT,
    findings: Object.fromEntries(findings.map((f) => [f.fingerprint, { ruleId: f.ruleId, message: f.message }])),
  };
  const tmp = `${path}.${String(process.pid)}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(baseline, null, 2)}\n`);
  renameSync(tmp, path);
}

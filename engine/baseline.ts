import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomically } from './write-file.js';
import type { Finding } from './findings.js';

/** A baseline: the keys of findings already known, so a cron audit reports only what is new. */
export const BASELINE_FORMAT = 'swarmlint-baseline/1';

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  /** Key (see {@link baselineKeys}) → a few words to recognise it by (rule and message). */
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

/**
 * What a baseline knows a finding by: the rule, the message kind, the objects it is about (by name: node
 * hostname, service, network) and the message with its numbers folded. Not the file it was printed in nor the
 * text around it, which `--save-facts` adds and which change with every task restart (task counts, addresses),
 * so a baseline holds across runs with or without saved facts, task restarts and node reboots. Repeats get
 * `:2`, `:3`, in report order.
 */
export function baselineKeys(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((f) => {
    const h = createHash('sha256');
    const logical = f.logical.map((l) => `${l.kind}:${l.name}`).join('/');
    for (const part of [f.ruleId, f.messageId ?? '', logical, f.message.replace(/\d+/g, '#')]) {
      h.update(part);
      h.update('\0');
    }
    const key = h.digest('hex').slice(0, 32);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return n > 1 ? `${key}:${String(n)}` : key;
  });
}

export function readBaseline(path: string): Baseline {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new BaselineError(`cannot read the baseline: ${(error as Error).message}`, path);
  }
  const b = data as { format?: unknown; findings?: unknown } | null;
  if (b?.format !== BASELINE_FORMAT || !b.findings || typeof b.findings !== 'object' || Array.isArray(b.findings))
    throw new BaselineError(`not a baseline (format "${String(b?.format)}", expected "${BASELINE_FORMAT}")`, path);
  return b as Baseline;
}

/** Findings the baseline does not hold. */
export function newFindings(findings: readonly Finding[], baseline: Baseline): Finding[] {
  const keys = baselineKeys(findings);
  return findings.filter((_f, i) => !Object.hasOwn(baseline.findings, keys[i] as string));
}

/** Writes the findings as a baseline, atomically (a cron job may read it at any time). */
export function writeBaseline(path: string, findings: readonly Finding[]): void {
  const keys = baselineKeys(findings);
  const baseline: Baseline = {
    format: BASELINE_FORMAT,
    findings: Object.fromEntries(findings.map((f, i) => [keys[i] as string, { ruleId: f.ruleId, message: f.message }])),
  };
  try {
    writeFileAtomically(path, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (error) {
    throw new BaselineError(`cannot write the baseline: ${(error as Error).message}`, path);
  }
}

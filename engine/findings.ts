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
    compareText(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.message, b.message)
  );
}

/**
 * Printable ASCII in the order of CLDR's root collation, which `localeCompare` follows for English: a letter and
 * its capital are equal at the first level, and the small one comes first at the third.
 */
export const ROOT_ORDER = ' _-,;:!?.\'"()[]{}@*/\\&#%`^+<=>|~$0123456789aAbBcCdDeEfFgGhHiIjJkKlLmMnNoOpPqQrRsStTuUvVwWxXyYzZ';
/** The CLDR version whose root collation ROOT_ORDER was read from (a test compares it with `localeCompare`). */
export const ROOT_ORDER_CLDR = '48.0';
const PRIMARY = new Int16Array(128).fill(-1);
const TERTIARY = new Uint8Array(128);
for (let i = 0, rank = 0; i < ROOT_ORDER.length; i++) {
  const c = ROOT_ORDER.charCodeAt(i);
  const capital = c >= 65 && c <= 90;
  if (!capital) rank++;
  PRIMARY[c] = rank;
  TERTIARY[c] = capital ? 1 : 0;
}
const PRINTABLE = /^[\x20-\x7e]*$/;
let rootOrder: boolean | undefined;

/**
 * `a.localeCompare(b)`'s sign. Creating ICU's collator, the first time `localeCompare` runs, costs about 6 ms:
 * for two different printable-ASCII texts, where the default locale is English and CLDR is the one ROOT_ORDER
 * was read from, the order is worked out from ROOT_ORDER instead (first level over the whole texts, a shorter
 * text before a longer one it begins, then the third level).
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  rootOrder ??= process.versions.cldr === ROOT_ORDER_CLDR && /^en(?:-[A-Z]{2})?$/.test(new Intl.PluralRules().resolvedOptions().locale);
  if (!rootOrder || !PRINTABLE.test(a) || !PRINTABLE.test(b)) return a.localeCompare(b);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (PRIMARY[a.charCodeAt(i)] ?? 0) - (PRIMARY[b.charCodeAt(i)] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  for (let i = 0; i < n; i++) {
    const d = (TERTIARY[a.charCodeAt(i)] ?? 0) - (TERTIARY[b.charCodeAt(i)] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  /* c8 ignore next -- two different printable-ASCII texts always differ at the first or third level */
  return a.localeCompare(b);
}

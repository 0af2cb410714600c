import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ESLint } from 'eslint';
import type { LintReport } from '../engine/findings.js';
import { ruleFor, UNUSED_SUPPRESSION, type LintDocument } from '../engine/lint.js';
import { HOMEPAGE } from '../language/meta.js';
import { FORMATS, loadReporter } from '../reporters/index.js';
import type { ReportContext, ReportDocument, RuleDescriptor } from '../reporters/types.js';
import type { ClusterProfile } from '../language/settings.js';
import type { SwarmlintRule } from '../rules/index.js';
import { UsageError } from './exit.js';
import { processStreams, type Streams } from './io.js';
import { writeFileAtomically } from '../engine/write-file.js';
import { loadFacts } from '../language/loader/facts.js';

const ENGINE_RULES: RuleDescriptor[] = [
  {
    id: UNUSED_SUPPRESSION,
    description: 'A suppression comment that suppresses nothing.',
    severity: 'warning',
    // Not a rule with a page of its own: the README's section on suppressions.
    helpUri: `${HOMEPAGE}#suppressing-a-finding`,
    remediation:
      'Remove the comment, or the rule id in it that no longer reports here (`unusedSuppressions: off` in the config turns this off).',
    fixable: false,
  },
];

/**
 * A built-in rule's doc page under "What it checks" (docs/rules/ ships in the package, beside dist/): its
 * paragraphs up to about a thousand characters; undefined when the page is not there.
 */
export function docSummary(id: string): string | undefined {
  for (const up of ['../docs/rules/', '../../docs/rules/']) {
    let text: string;
    try {
      text = readFileSync(new URL(`${up}${id}.md`, import.meta.url), 'utf8');
    } catch {
      continue;
    }
    const section = /^## What it checks\n+([\s\S]*?)(?=\n## |$(?![\s\S]))/m.exec(text)?.[1] ?? '';
    // Whole paragraphs (a list after "…:" belongs to it), up to about a thousand characters.
    let out = '';
    for (const paragraph of section.trim().split(/\n{2,}/)) {
      if (out && out.length + paragraph.length > 1000) break;
      out += `${out ? '\n\n' : ''}${paragraph}`;
    }
    return out || undefined;
  }
  return undefined;
}

/** Descriptors of the rules that ran or reported, for SARIF and the "How to fix" list. */
export function describeRules(
  report: LintReport,
  builtins: Readonly<Record<string, SwarmlintRule>>,
  plugins: Readonly<Record<string, ESLint.Plugin>>,
  /** The format: only SARIF reads the doc pages. */
  format = '',
): RuleDescriptor[] {
  const ids = new Set([...report.rulesRun, ...report.findings.map((f) => f.ruleId)]);
  const out: RuleDescriptor[] = [];
  for (const id of [...ids].sort()) {
    const engine = ENGINE_RULES.find((r) => r.id === id);
    if (engine) {
      out.push(engine);
      continue;
    }
    const rule = ruleFor(id, builtins, plugins);
    const docs = rule?.meta.docs;
    const full = !id.includes('/') && format === 'sarif' ? docSummary(id) : undefined;
    out.push({
      id,
      description: docs?.description ?? id,
      severity: docs?.severity ?? 'warning',
      ...(docs?.url ? { helpUri: docs.url } : {}),
      ...(docs?.remediation ? { remediation: docs.remediation } : {}),
      ...(full ? { fullDescription: full } : {}),
      fixable: Boolean(rule?.meta.fixable),
    });
  }
  return out;
}

/**
 * What a reporter that draws the run (html) gets besides the findings: the linted models, each facts document's
 * JSON, and the cluster profile. Only built for those formats: the others never pay for it.
 */
export function drawing(
  format: string,
  documents: readonly LintDocument[],
  cluster: ClusterProfile | undefined,
): Pick<ReportContext, 'documents' | 'cluster'> {
  // Stylish draws the deep audit's matrix and prometheus its pairs: the models suffice.
  if (format === 'stylish' || format === 'prometheus') return { documents: documents.map((d) => ({ name: d.name, root: d.root })) };
  if (format !== 'html') return {};
  const docs: ReportDocument[] = documents.map((d) => ({
    name: d.name,
    root: d.root,
    ...(d.kind === 'facts' ? { raw: JSON.parse(d.text) as unknown } : {}),
  }));
  return { documents: docs, ...(cluster ? { cluster } : {}) };
}

export function useColor(
  format: string,
  outputFile: string | undefined,
  flag: boolean | undefined,
  { env, stdout }: Streams = processStreams(),
): boolean {
  if (flag !== undefined) return flag;
  if (format !== 'stylish' || outputFile) return false;
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb' && !env.FORCE_COLOR) return false;
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  return stdout.isTTY === true;
}

/** Formats the report and writes it to stdout or `--output-file`. */
export async function writeReport(
  report: LintReport,
  format: string,
  context: ReportContext,
  outputFile: string | undefined,
  io: Streams = processStreams(),
): Promise<void> {
  const reporter = await loadReporter(format);
  if (!reporter) throw new UsageError(`unknown format "${format}" (one of: ${FORMATS.join(', ')})`);
  const text = reporter(report, context);
  if (!outputFile) {
    if (text) io.stdout.write(text);
    return;
  }
  try {
    writeFileAtomically(resolve(context.cwd, outputFile), text);
  } catch (error) {
    throw new UsageError(`--output-file ${outputFile}: ${(error as Error).message}`);
  }
}

/** Writes a file an option names (beside it, renamed into place); a failure is a usage error naming the option. */
export function writeForOption(path: string, text: string, option: string): void {
  try {
    writeFileAtomically(path, text);
  } catch (error) {
    throw new UsageError(`${option} ${path}: ${(error as Error).message}`);
  }
}

/**
 * The facts of a preflight or an audit as the document they are linted as: saved first when `savedAs` is given
 * (`--save-facts`), and then findings point into that file; a live run's findings have logical locations only.
 */
export function factsDocument(facts: unknown, savedAs: string | undefined, live: string): LintDocument {
  const text = `${JSON.stringify(facts, null, 2)}\n`;
  if (savedAs) writeForOption(savedAs, text, '--save-facts');
  const name = savedAs ?? live;
  return {
    name,
    kind: 'facts',
    text,
    root: loadFacts(text, name),
    files: savedAs ? [{ path: savedAs, offset: 0, line: 1, length: text.length }] : [],
  };
}

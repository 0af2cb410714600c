import type { FatalError, Finding } from '../engine/findings.js';
import { SEVERITIES, type Severity } from '../language/meta.js';
import { meshesOf, meshLines, meshTroubled } from './mesh-text.js';
import { displayPath } from './paths.js';
import type { Reporter, ReportContext } from './types.js';

/**
 * SGR codes (open, close). Written out rather than `util.styleText`, which on newer Node drops the colour when
 * stdout is not a terminal, so `--color` into a pipe or a file would not work.
 */
const SGR = { red: [31, 39], yellow: [33, 39], cyan: [36, 39], gray: [90, 39], dim: [2, 22], bold: [1, 22], underline: [4, 24] } as const;
type Style = keyof typeof SGR;

const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan', suggestion: 'gray' };

function paint(context: ReportContext, style: Style, text: string): string {
  return context.color ? `\x1b[${String(SGR[style][0])}m${text}\x1b[${String(SGR[style][1])}m` : text;
}

function where(f: Finding): string {
  if (f.line !== undefined) return `${String(f.line)}:${String(f.column ?? 1)}`;
  const inner = f.logical.at(-1);
  return inner ? `${inner.kind} ${inner.name}` : '';
}

function plural(n: number, word: string): string {
  return `${String(n)} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * Readable text, grouped by file (or by the cluster, for findings that are about no file), like ESLint's
 * stylish; then how to fix each rule that reported, once; then a summary line.
 */
export const stylish: Reporter = (report, context) => {
  const out: string[] = [];
  const rel = (p: string): string => displayPath(context.cwd, p);
  for (const e of report.errors) out.push(fatalLine(e, rel, context));
  if (report.errors.length > 0) out.push('');

  const groups = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const key = f.file !== undefined ? rel(f.file) : context.command === 'preflight' ? 'this host' : 'cluster';
    const list = groups.get(key) ?? [];
    list.push(f);
    groups.set(key, list);
  }
  for (const [name, findings] of groups) {
    out.push(paint(context, 'underline', name));
    const whereWidth = Math.max(...findings.map((f) => where(f).length));
    const sevWidth = Math.max(...findings.map((f) => f.severity.length));
    for (const f of findings) {
      const fixable = f.fix ? paint(context, 'gray', ' (fixable)') : '';
      out.push(
        `  ${paint(context, 'dim', where(f).padEnd(whereWidth))}  ${paint(context, SEVERITY_STYLE[f.severity], f.severity.padEnd(sevWidth))}  ${f.message}${fixable}  ${paint(context, 'dim', f.ruleId)}`,
      );
    }
    out.push('');
  }

  // The deep audit's matrix, when a pair fails or a node was not tested (a clean run stays quiet).
  const CELL_STYLE: Record<string, Style> = { fail: 'red', mtu: 'yellow', esp: 'yellow', untested: 'gray', unsampled: 'gray', self: 'dim' };
  for (const mesh of meshesOf(context)) {
    if (!meshTroubled(mesh)) continue;
    out.push(...meshLines(mesh, (kind, text) => (CELL_STYLE[kind] ? paint(context, CELL_STYLE[kind], text) : text)), '');
  }

  const reported = [...new Set(report.findings.map((f) => f.ruleId))].sort();
  const fixes = reported.flatMap((id) => {
    const rule = context.rules.find((r) => r.id === id);
    if (!rule?.remediation) return [];
    return [`  ${paint(context, 'bold', id)}: ${rule.remediation}${rule.helpUri ? paint(context, 'dim', ` ${rule.helpUri}`) : ''}`];
  });
  if (fixes.length > 0) out.push('How to fix:', ...fixes, '');

  const counts = SEVERITIES.map((s) => [s, report.findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const total = report.findings.length;
  if (total > 0 || report.errors.length > 0) {
    const parts = counts.map(([s, n]) => (s === 'info' || s === 'suggestion' ? `${String(n)} ${s}` : plural(n, s)));
    const fixable = report.findings.filter((f) => f.fix).length;
    const failedRules = report.errors.filter((e) => e.kind === 'rule').length;
    const notChecked = report.errors.length - failedRules;
    const summary = [
      `${total > 0 ? '✖' : '!'} ${plural(total, 'problem')}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`,
      ...(notChecked > 0 ? [`${plural(notChecked, 'file')} not checked`] : []),
      ...(failedRules > 0 ? [`${plural(failedRules, 'rule')} failed`] : []),
    ].join(', ');
    out.push(paint(context, total > 0 && counts[0]?.[0] === 'error' ? 'red' : 'yellow', summary));
    if (fixable > 0) out.push(`  ${plural(fixable, 'problem')} can be fixed with --fix.`);
  }
  return out.length > 0 ? `${out.join('\n')}\n` : '';
};

function fatalLine(e: FatalError, rel: (p: string) => string, context: ReportContext): string {
  const loc = e.file !== undefined ? `${rel(e.file)}${e.line !== undefined ? `:${String(e.line)}:${String(e.column ?? 1)}` : ''}: ` : '';
  return `${loc}${paint(context, 'red', 'error')}: ${e.message}`;
}

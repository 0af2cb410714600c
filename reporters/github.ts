import type { Severity } from '../language/meta.js';
import { repoPath } from './repo-path.js';
import type { Reporter } from './types.js';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
  suggestion: 'notice',
};

/** A workflow command's data: `%`, CR and LF escaped (GitHub's toolkit `escapeData`). */
const data = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
/** A property value: also `:` and `,` (`escapeProperty`). */
const property = (s: string): string => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::message`): annotations on the pull
 * request's files for repositories without code scanning. Paths are relative to the repository root; findings
 * about no file (a live audit, preflight) are annotations without a file; files that could not be checked are
 * errors.
 */
export const github: Reporter = (report, context) => {
  const lines: string[] = [];
  for (const f of report.findings) {
    const props = [
      ...(f.file !== undefined ? [`file=${property(repoPath(context, f.file))}`] : []),
      ...(f.line !== undefined ? [`line=${String(f.line)}`] : []),
      ...(f.column !== undefined ? [`col=${String(f.column)}`] : []),
      ...(f.endLine !== undefined ? [`endLine=${String(f.endLine)}`] : []),
      ...(f.endColumn !== undefined && f.endLine === f.line ? [`endColumn=${String(f.endColumn)}`] : []),
      `title=${property(`swarmlint ${f.ruleId}`)}`,
    ];
    const where = f.file === undefined && f.logical.length > 0 ? ` (${f.logical.map((l) => `${l.kind} ${l.name}`).join(' › ')})` : '';
    const rule = context.rules.find((r) => r.id === f.ruleId);
    const help = rule?.helpUri ? `\n${rule.helpUri}` : '';
    lines.push(`::${COMMAND[f.severity]} ${props.join(',')}::${data(`${f.message}${where}${help}`)}`);
  }
  for (const e of report.errors) {
    const props = [
      ...(e.file !== undefined ? [`file=${property(repoPath(context, e.file))}`] : []),
      ...(e.line !== undefined ? [`line=${String(e.line)}`] : []),
      ...(e.column !== undefined ? [`col=${String(e.column)}`] : []),
      `title=${property(e.ruleId ? `swarmlint ${e.ruleId} failed` : 'swarmlint could not check this')}`,
    ];
    lines.push(`::error ${props.join(',')}::${data(e.message)}`);
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
};

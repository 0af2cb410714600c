import { SEVERITIES } from '../language/meta.js';
import { meshesOf, meshGauges } from './mesh-text.js';
import type { Reporter } from './types.js';

const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * A textfile for node_exporter's textfile collector: findings by rule and severity, facts that could not be
 * checked, how long the run took, and when it last succeeded. Every rule that ran has a series per severity, at
 * 0 when it found nothing, so alerts see a drop to zero.
 */
export const prometheus: Reporter = (report, context) => {
  const lines: string[] = [];
  const metric = (name: string, type: string, help: string, samples: [Record<string, string>, number][]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels)
        .map(([k, v]) => `${k}="${escape(v)}"`)
        .join(',');
      lines.push(`${name}{${l}} ${String(value)}`);
    }
  };
  // Every severity of every rule, at 0 when it found nothing: a rule's findings may change severity (its
  // configured severity, per-message caps), and a series that vanishes instead of dropping to 0 leaves alerts
  // and graphs on the last value.
  const counts = new Map<string, number>();
  for (const f of report.findings) counts.set(`${f.ruleId}\0${f.severity}`, (counts.get(`${f.ruleId}\0${f.severity}`) ?? 0) + 1);
  const rules = [...new Set([...report.rulesRun, ...report.findings.map((f) => f.ruleId)])].sort();
  const samples: [Record<string, string>, number][] = [];
  for (const rule of rules)
    for (const severity of SEVERITIES)
      samples.push([{ command: context.command, rule, severity }, counts.get(`${rule}\0${severity}`) ?? 0]);
  metric('swarmlint_findings', 'gauge', 'Findings of the last run, by rule and severity.', samples);
  metric('swarmlint_not_checked', 'gauge', 'Documents, rules or probes that could not be checked in the last run.', [
    [{ command: context.command }, report.errors.length],
  ]);
  for (const gauge of meshGauges(meshesOf(context))) metric(gauge.name, 'gauge', gauge.help, gauge.samples);
  if (context.durationMs !== undefined)
    metric('swarmlint_duration_seconds', 'gauge', 'How long the last run took.', [
      [{ command: context.command }, context.durationMs / 1000],
    ]);
  if (context.lastSuccess !== undefined)
    metric('swarmlint_last_success_timestamp_seconds', 'gauge', 'When a run last completed with every fact checked (Unix time).', [
      [{ command: context.command }, context.lastSuccess],
    ]);
  return `${lines.join('\n')}\n`;
};

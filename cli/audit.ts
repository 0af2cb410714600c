import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { newFindings, readBaseline, writeBaseline } from '../engine/baseline.js';
import { loadConfig } from '../engine/config.js';
import type { LintReport } from '../engine/findings.js';
import { lintDocuments, type LintDocument } from '../engine/lint.js';
import { loadFacts } from '../language/loader/facts.js';
import { prometheus } from '../reporters/prometheus.js';
import { rules as builtinRules } from '../rules/index.js';
import type { ParsedArgs } from './args.js';
import { UsageError } from './exit.js';
import { finish, formatsFor, limits, readReportOptions, shown as quietly } from './report-options.js';
import { describeRules, drawing, useColor, writeReport } from './output.js';
import { writeFileAtomically } from '../engine/write-file.js';

export const AUDIT_HELP = `Usage: swarmlint audit [options]

Audits a running swarm from a manager's Engine API: six read-only list calls (info, swarm, nodes,
networks, services, tasks), checked by the same rules as stack files. Ready for cron: quiet when clean.

Options:
      --docker-host HOST     the engine (default: DOCKER_HOST, DOCKER_CONTEXT, the current context)
      --timeout SECONDS      per request (default 10)
      --deadline SECONDS     for the whole audit (default 30)
  -f, --format NAME          stylish (default), json, sarif, github, gitlab, prometheus, html
  -o, --output-file FILE     write the report to FILE (prometheus: a node_exporter textfile)
      --save-facts FILE      save the facts; \`swarmlint lint FILE\` re-checks them offline
      --baseline FILE        report only findings not in this baseline
      --update-baseline      accept the current findings: write them to the --baseline file
                             (not when facts are missing)
      --config FILE, --rule ID:SEVERITY, --failure-threshold S, --max-warnings N (-1: no limit)
  -q, --quiet                report errors only
      --color, --no-color, --debug
  -h, --help

Exit: 0 clean, 1 findings at or over the threshold, 2 when facts are missing (the engine is unreachable,
a call failed, or this node is not a manager) or for usage and configuration errors.`;

function seconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a number of seconds`);
  return n;
}

/** Writes a file in one step, so a reader (node_exporter, the next cron run) never sees half of it. */
function writeAtomically(path: string, text: string, option: string): void {
  try {
    writeFileAtomically(path, text);
  } catch (error) {
    throw new UsageError(`${option} ${path}: ${(error as Error).message}`);
  }
}

/** The last-success time an earlier run left in a prometheus textfile, kept when this run fails. */
function previousSuccess(path: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^swarmlint_last_success_timestamp_seconds\{[^}]*\} (\d+(?:\.\d+)?)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

export async function runAudit(args: ParsedArgs, cwd: string): Promise<number> {
  const v = args.values;
  if (args.positionals.length > 0)
    throw new UsageError(`audit takes no files (got ${args.positionals.join(' ')}); lint a saved facts file with swarmlint lint`);
  // Every usage value is checked before the engine is asked anything.
  const options = readReportOptions(v, cwd, formatsFor('audit'));
  const { format, outputFile } = options;
  const timeout = seconds(v.timeout, 'timeout', 10);
  const deadline = seconds(v.deadline, 'deadline', 30);
  if (v['update-baseline'] && !v.baseline) throw new UsageError('--update-baseline needs --baseline FILE');
  const baselinePath = v.baseline ? resolve(cwd, v.baseline as string) : undefined;
  // A baseline that cannot be read stops the run before the engine is asked (unless it is being written).
  const baseline = baselinePath && !v['update-baseline'] ? readBaseline(baselinePath) : undefined;
  const config = await loadConfig({
    cwd,
    ...(v.config ? { configPath: v.config as string } : {}),
    ruleOverrides: (v.rule as string[] | undefined) ?? [],
  });
  const prometheusFile = format === 'prometheus' ? outputFile : undefined;

  const { resolveEndpoint, engineApi } = await import('../probes/adapters/docker.js');
  const { collectAudit } = await import('../probes/audit/collect.js');
  const started = performance.now();
  let facts;
  let description: string;
  try {
    const endpoint = resolveEndpoint(v['docker-host'] as string | undefined);
    description = endpoint.description;
    ({ facts } = await collectAudit(engineApi(endpoint, timeout * 1000), endpoint.description, deadline * 1000));
  } catch (error) {
    // Nothing could be checked: the textfile still says so, and keeps the time of the last success.
    if (prometheusFile) {
      const empty: LintReport = { findings: [], errors: [{ kind: 'probe', message: (error as Error).message }], files: [], rulesRun: [] };
      const last = previousSuccess(prometheusFile);
      const text = prometheus(empty, {
        cwd,
        rules: [],
        color: false,
        command: 'audit',
        durationMs: performance.now() - started,
        ...(last !== undefined ? { lastSuccess: last } : {}),
      });
      writeAtomically(prometheusFile, text, '--output-file');
    }
    throw error;
  }
  const text = `${JSON.stringify(facts, null, 2)}\n`;
  const savedAs = v['save-facts'] ? resolve(cwd, v['save-facts'] as string) : undefined;
  if (savedAs) writeAtomically(savedAs, text, '--save-facts');

  // A saved audit is linted as that file (findings point into it); a live one has only logical locations.
  const name = savedAs ?? `audit of ${description}`;
  const root = loadFacts(text, name);
  const document: LintDocument = {
    name,
    kind: 'facts',
    text,
    root,
    files: savedAs ? [{ path: savedAs, offset: 0, line: 1, length: text.length }] : [],
  };
  const report = lintDocuments([document], {
    root: options.root,
    rules: config.rules,
    plugins: config.plugins,
    cluster: config.cluster,
    unusedSuppressions: 'off',
  });
  const failed = facts.outcomes.filter((o) => o.status === 'error');

  let shown = report;
  if (baselinePath && v['update-baseline']) {
    // The findings are accepted: written to the baseline, and so none of them is new. Not from an audit with
    // facts missing: the baseline would lack what could not be checked, and hold probe-skipped instead.
    if (failed.length === 0) {
      writeBaseline(baselinePath, report.findings);
      shown = { ...report, findings: [] };
    }
  } else if (baseline) shown = { ...report, findings: newFindings(report.findings, baseline) };

  const durationMs = performance.now() - started;
  const last = failed.length > 0 ? (prometheusFile ? previousSuccess(prometheusFile) : undefined) : Math.round(Date.now() / 1000);
  const context = {
    cwd,
    root: options.root,
    rules: describeRules(shown, builtinRules, config.plugins, format),
    color: useColor(format, outputFile, options.color),
    command: 'audit' as const,
    durationMs,
    ...drawing(format, [document], config.cluster),
    ...(last !== undefined ? { lastSuccess: last } : {}),
  };
  // Calls that failed are facts not checked: the textfile counts them (probe-skipped reports them as findings).
  const withErrors: LintReport = {
    ...shown,
    errors: [...shown.errors, ...failed.map((o) => ({ kind: 'probe' as const, message: `${o.probe}: ${String(o.reason)}` }))],
  };
  if (prometheusFile) writeAtomically(prometheusFile, prometheus(withErrors, context), '--output-file');
  else writeReport(quietly(shown, options), format, context, outputFile);

  if (failed.length > 0) return 2;
  return finish(shown, options, limits(options, config), (line) => process.stderr.write(line));
}

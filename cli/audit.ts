import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { newFindings, readBaseline, writeBaseline } from '../engine/baseline.js';
import { loadConfig } from '../engine/config.js';
import type { LintReport } from '../engine/findings.js';
import { lintDocuments } from '../engine/lint.js';
import { loadFacts } from '../engine/loader/facts.js';
import { rules as builtinRules } from '../rules/index.js';
import type { ParsedArgs } from './args.js';
import { exitCode, UsageError } from './exit.js';
import { describeRules, useColor, writeReport } from './output.js';

export const AUDIT_HELP = `Usage: swarmlint audit [options]

Audits a running swarm from a manager's Engine API: six read-only list calls (info, swarm, nodes,
networks, services, tasks), checked by the same rules as stack files. Ready for cron: quiet when clean.

Options:
      --docker-host HOST     the engine (default: DOCKER_HOST, DOCKER_CONTEXT, the current context)
      --timeout SECONDS      per request (default 10)
      --deadline SECONDS     for the whole audit (default 30)
  -f, --format NAME          stylish (default), json, sarif, prometheus
  -o, --output-file FILE     write the report to FILE (prometheus: a node_exporter textfile)
      --save-facts FILE      save the facts; \`swarmlint lint FILE\` re-checks them offline
      --baseline FILE        report only findings not in this baseline
      --update-baseline      write the current findings to the --baseline file
      --config FILE, --rule ID:SEVERITY, --failure-threshold S, --max-warnings N
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
function writeAtomically(path: string, text: string): void {
  const tmp = `${path}.${String(process.pid)}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** The last-success time an earlier run left in a prometheus textfile, kept when this run fails. */
function previousSuccess(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const m = /^swarmlint_last_success_timestamp_seconds\{[^}]*\} (\S+)$/m.exec(readFileSync(path, 'utf8'));
  return m ? Number(m[1]) : undefined;
}

export async function runAudit(args: ParsedArgs, cwd: string): Promise<number> {
  const v = args.values;
  if (args.positionals.length > 0)
    throw new UsageError(`audit takes no files (got ${args.positionals.join(' ')}); lint a saved facts file with swarmlint lint`);
  const format = (v.format as string | undefined) ?? 'stylish';
  const outputFile = v['output-file'] ? resolve(cwd, v['output-file'] as string) : undefined;
  const config = await loadConfig({
    cwd,
    ...(v.config ? { configPath: v.config as string } : {}),
    ruleOverrides: (v.rule as string[] | undefined) ?? [],
  });
  const timeout = seconds(v.timeout, 'timeout', 10);
  const deadline = seconds(v.deadline, 'deadline', 30);
  if (v['update-baseline'] && !v.baseline) throw new UsageError('--update-baseline needs --baseline FILE');

  const { resolveEndpoint, engineApi } = await import('../probes/adapters/docker.js');
  const { collectAudit } = await import('../probes/engine-api.js');
  const started = performance.now();
  const endpoint = resolveEndpoint(v['docker-host'] as string | undefined);
  let facts;
  try {
    ({ facts } = await collectAudit(engineApi(endpoint, timeout * 1000), endpoint.description, deadline * 1000));
  } catch (error) {
    // Nothing could be checked: the textfile still says so, and keeps the time of the last success.
    if (format === 'prometheus' && outputFile) {
      const empty: LintReport = { findings: [], errors: [{ kind: 'probe', message: (error as Error).message }], files: [], rulesRun: [] };
      const last = previousSuccess(outputFile);
      const { reporters } = await import('../reporters/index.js');
      const text = reporters.prometheus?.(empty, {
        cwd,
        rules: [],
        color: false,
        command: 'audit',
        durationMs: performance.now() - started,
        ...(last !== undefined ? { lastSuccess: last } : {}),
      });
      if (text) writeAtomically(outputFile, text);
    }
    throw error;
  }
  const text = `${JSON.stringify(facts, null, 2)}\n`;
  const savedAs = v['save-facts'] ? resolve(cwd, v['save-facts'] as string) : undefined;
  if (savedAs) writeAtomically(savedAs, text);

  // A saved audit is linted as that file (findings point into it); a live one has only logical locations.
  const name = savedAs ?? `audit of ${endpoint.description}`;
  const root = loadFacts(text, name);
  const report = lintDocuments(
    [{ name, kind: 'facts', text, root, files: savedAs ? [{ path: savedAs, offset: 0, line: 1, length: text.length }] : [] }],
    {
      rules: config.rules,
      plugins: config.plugins,
      cluster: config.cluster,
      unusedSuppressions: 'off',
    },
  );
  const incomplete = facts.outcomes.some((o) => o.status === 'error');

  let shown = report;
  if (v.baseline) {
    const baselinePath = resolve(cwd, v.baseline as string);
    if (v['update-baseline']) writeBaseline(baselinePath, report.findings);
    else shown = { ...report, findings: newFindings(report.findings, readBaseline(baselinePath)) };
  }

  const durationMs = performance.now() - started;
  const last = incomplete ? (outputFile ? previousSuccess(outputFile) : undefined) : Math.round(Date.now() / 1000);
  const context = {
    cwd,
    rules: describeRules(shown, builtinRules, config.plugins),
    color: useColor(format, outputFile, v.color as boolean | undefined),
    command: 'audit' as const,
    durationMs,
    ...(last !== undefined ? { lastSuccess: last } : {}),
  };
  if (format === 'prometheus' && outputFile) {
    const { reporters } = await import('../reporters/index.js');
    const out = reporters.prometheus?.(
      incomplete
        ? {
            ...shown,
            errors: facts.outcomes
              .filter((o) => o.status === 'error')
              .map((o) => ({ kind: 'probe' as const, message: o.reason ?? o.probe })),
          }
        : shown,
      context,
    );
    if (out) writeAtomically(outputFile, out);
  } else writeReport(shown, format, context, outputFile);

  const maxWarnings = v['max-warnings'] !== undefined ? Number(v['max-warnings']) : config.maxWarnings;
  const threshold = (v['failure-threshold'] as string | undefined) ?? config.failureThreshold;
  if (!['error', 'warning', 'info', 'suggestion', 'none'].includes(threshold))
    throw new UsageError(`--failure-threshold ${threshold}: one of error, warning, info, suggestion, none`);
  if (incomplete) return 2;
  return exitCode(shown, threshold as Parameters<typeof exitCode>[1], maxWarnings);
}

import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { newFindings, readBaseline, writeBaseline } from '../engine/baseline.js';
import { loadConfig } from '../engine/config.js';
import type { LintReport } from '../engine/findings.js';
import { lintDocuments } from '../engine/lint.js';
import { prometheus } from '../reporters/prometheus.js';
import { rules as builtinRules } from '../rules/index.js';
import type { ParsedArgs } from './args.js';
import { UsageError } from './exit.js';
import { processStreams, type Streams } from './io.js';
import { finish, formatsFor, limits, readReportOptions, shown as quietly } from './report-options.js';
import { describeRules, drawing, factsDocument, useColor, writeForOption, writeReport } from './output.js';
import { DEEP_IMAGE } from '../probes/deep/image.js';
import { DEEP_WRITES } from '../probes/audit/deep.js';
import { SEED_PATTERN } from '../probes/deep/sample.js';
import { parseConstraint } from '../probes/audit/mesh.js';
import type { FactsDocument } from '../language/facts-format.js';

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

Deep audit (writes to the cluster; the audit without --deep only reads):
      --deep                 also prove the data plane from every node: runs swarmlint's probe image on each
                             node that can run it, over overlay networks made for the run, and checks every
                             pair of nodes (overlay reachability, path MTU, the encrypted overlay, 2377/7946)
      --deep-image IMAGE     the probe image, present on every node (default ${DEEP_IMAGE};
                             npm run image:offline -- -o FILE.tar, then docker load on each node)
      --deep-no-encrypted    no encrypted overlay (and no ESP check)
      --deep-constraint EXPR
                             only nodes that meet this placement constraint (repeatable, swarm syntax:
                             node.labels.zone==a, node.role!=manager); the others are reported as skipped
      --deep-deadline SECONDS
                             the probes' deadline (default 90); tasks may take 60 s more to start
      --deep-sample K        each node tests K peers picked at random (K × N pairs instead of N × (N − 1)),
                             a different choice each run, so that runs from cron cover the mesh over days;
                             the other pairs are "not sampled" (○ in the matrix), neither passed nor failed
      --deep-seed S          the sample's seed (default: random; the matrix and --save-facts show it):
                             the same seed and nodes test the same pairs again
  What --deep writes, and nothing else, each labelled io.swarmlint.deep=1 and io.swarmlint.run=<run>:
${DEEP_WRITES.map((w) => `    - ${w}`).join('\n')}
  All of it is removed when the run ends (success, error, timeout, SIGINT or SIGTERM); what an earlier run left
  (label io.swarmlint.deep) is removed first. Stylish output adds a node × node matrix when a pair fails.

Exit: 0 clean, 1 findings at or over the threshold, 2 when facts are missing (the engine is unreachable,
a call failed, or this node is not a manager) or for usage and configuration errors.`;

function seconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a number of seconds`);
  return n;
}

/** Writes a file in one step, so a reader (node_exporter, the next cron run) never sees half of it. */
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

interface DeepFlags {
  image: string;
  encrypted: boolean;
  constraints: string[];
  deadlineS: number;
  sample?: { peers: number; seed: string };
}

/** The --deep options, checked before the engine is asked anything; undefined without --deep. */
function deepOptions(v: ParsedArgs['values']): DeepFlags | undefined {
  const given = ['deep-image', 'deep-no-encrypted', 'deep-constraint', 'deep-deadline', 'deep-sample', 'deep-seed'].filter(
    (k) => v[k] !== undefined,
  );
  if (!v.deep) {
    if (given.length > 0) throw new UsageError(`--${given[0] ?? ''} needs --deep`);
    return undefined;
  }
  const deadlineS = seconds(v['deep-deadline'], 'deep-deadline', 90);
  if (deadlineS < 5 || deadlineS > 3600) throw new UsageError('--deep-deadline takes 5 to 3600 seconds');
  const constraints = (v['deep-constraint'] as string[] | undefined) ?? [];
  for (const c of constraints) parseConstraint(c);
  const image = (v['deep-image'] as string | undefined) ?? DEEP_IMAGE;
  if (!/^[\w][\w.:/@-]*$/.test(image)) throw new UsageError(`--deep-image ${image}: not an image reference`);
  return { image, encrypted: !v['deep-no-encrypted'], constraints, deadlineS, ...sampleFlags(v) };
}

/** The home folder as os.homedir() finds it (HOME, else the user's entry), from the run's environment. */
const homeOf = (io: Streams): string => io.env.HOME ?? homedir();

/** --deep-sample K [--deep-seed S]: K from 1; the seed random (8 hex digits) unless given. */
function sampleFlags(v: ParsedArgs['values']): { sample?: { peers: number; seed: string } } {
  const k = v['deep-sample'] as string | undefined;
  const seed = v['deep-seed'] as string | undefined;
  if (k === undefined) {
    if (seed !== undefined) throw new UsageError('--deep-seed needs --deep-sample');
    return {};
  }
  if (!/^\d+$/.test(k) || Number(k) < 1 || Number(k) > 10_000)
    throw new UsageError(`--deep-sample takes a number of peers from 1 to 10000, not "${k}"`);
  if (seed !== undefined && !SEED_PATTERN.test(seed))
    throw new UsageError(`--deep-seed "${seed}": letters, digits, -, _ and . only, at most 64`);
  return { sample: { peers: Number(k), seed: seed ?? randomBytes(4).toString('hex') } };
}

/**
 * Runs the deep audit into `facts` (its mesh and outcomes). SIGINT and SIGTERM stop it, and what it made is removed
 * before the process ends; a second signal ends the process at once. Returns an exit code when interrupted.
 */
async function runDeepAudit(
  deep: DeepFlags,
  facts: FactsDocument,
  host: string | undefined,
  timeout: number,
  debug: boolean,
  io: Streams,
): Promise<number | undefined> {
  const { resolveEndpoint } = await import('../probes/adapters/docker.js');
  const { engineWriter } = await import('../probes/adapters/docker-write.js');
  const { runDeep } = await import('../probes/audit/deep.js');
  const controller = new AbortController();
  let got: NodeJS.Signals | undefined;
  const codeOf = (signal: NodeJS.Signals): number => (signal === 'SIGINT' ? 130 : 143);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (got) process.exit(codeOf(signal));
    got = signal;
    io.stderr.write(`swarmlint: ${signal}: removing what the deep audit made (again to quit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const writer = engineWriter(resolveEndpoint(host, io.env, homeOf(io)), timeout * 1000);
    const result = await runDeep(writer, {
      ...deep,
      signal: controller.signal,
      ...(debug ? { log: (line: string) => io.stderr.write(`deep: ${line}\n`) } : {}),
    });
    if (result.mesh) facts.mesh = result.mesh;
    facts.outcomes.push(...result.outcomes);
  } catch (error) {
    if (got) {
      io.stderr.write(`swarmlint: the deep audit was interrupted (${got}); what it made was removed\n`);
      return codeOf(got);
    }
    // What could not be tested is a finding (probe-skipped), like any other call that failed.
    facts.outcomes.push({
      probe: 'deep/mesh',
      status: 'error',
      reason: (error as Error).message,
      subject: 'the data plane between nodes (audit --deep)',
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return undefined;
}

export async function runAudit(args: ParsedArgs, cwd: string, io: Streams = processStreams()): Promise<number> {
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
  const deep = deepOptions(v);

  const { resolveEndpoint, engineApi } = await import('../probes/adapters/docker.js');
  const { collectAudit } = await import('../probes/audit/collect.js');
  const started = performance.now();
  let facts;
  let description: string;
  try {
    const endpoint = resolveEndpoint(v['docker-host'] as string | undefined, io.env, homeOf(io));
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
      writeForOption(prometheusFile, text, '--output-file');
    }
    throw error;
  }
  if (deep) {
    const interrupted = await runDeepAudit(deep, facts, v['docker-host'] as string | undefined, timeout, Boolean(v.debug), io);
    if (interrupted !== undefined) return interrupted;
  }
  const savedAs = v['save-facts'] ? resolve(cwd, v['save-facts'] as string) : undefined;
  // A saved audit is linted as that file (findings point into it); a live one has only logical locations.
  const document = factsDocument(facts, savedAs, `audit of ${description}`);
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
    color: useColor(format, outputFile, options.color, io),
    command: 'audit' as const,
    durationMs,
    ...(savedAs ? { factsFile: savedAs } : {}),
    ...drawing(format, [document], config.cluster),
    ...(last !== undefined ? { lastSuccess: last } : {}),
  };
  // Calls that failed are facts not checked: the textfile counts them (probe-skipped reports them as findings).
  const withErrors: LintReport = {
    ...shown,
    errors: [...shown.errors, ...failed.map((o) => ({ kind: 'probe' as const, message: `${o.probe}: ${String(o.reason)}` }))],
  };
  if (prometheusFile) writeForOption(prometheusFile, prometheus(withErrors, context), '--output-file');
  else await writeReport(quietly(shown, options), format, context, outputFile, io);

  if (failed.length > 0) return 2;
  return finish(shown, options, limits(options, config), (line) => io.stderr.write(line));
}

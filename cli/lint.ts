import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, loadConfig } from '../engine/config.js';
import { profileFromFacts } from '../engine/cluster-profile.js';
import { isDocument, prepareDocument } from '../engine/documents.js';
import type { FatalError, FileEdit, LintReport } from '../engine/findings.js';
import { applyEdits } from '../engine/fix.js';
import { lintDocuments, type LintDocument } from '../engine/lint.js';
import type { LoadError } from '../language/loader/errors.js';
import { loadFacts } from '../language/loader/facts.js';
import { defaultLimits } from '../language/loader/limits.js';
import { dialectOf, type YamlDialect } from '../language/loader/yaml.js';
import { LoadError as LoadErrorClass } from '../language/loader/errors.js';
import { printStack } from '../language/loader/print.js';
import { loadStack } from '../language/loader/stack.js';
import { rules as builtinRules } from '../rules/index.js';
import type { ClusterProfile } from '../language/settings.js';
import { type ParsedArgs } from './args.js';
import { exitCode, UsageError } from './exit.js';
import { resolveInputs, readInput, STDIN, type ReadFile } from './inputs.js';
import { describeRules, drawing, useColor, writeReport } from './output.js';
import { FORMATS, isFormat } from '../reporters/index.js';
import { writeFileAtomically } from '../engine/write-file.js';
import { unifiedDiff } from '../engine/diff.js';
import { displayPath } from '../reporters/paths.js';

export const LINT_HELP = `Usage: swarmlint lint [options] [FILE|DIR|GLOB|-]...

Lints Docker stack files as \`docker stack deploy\` reads them. Each file is a stack of its own;
-c files (and each --merge list) are merged like \`docker stack deploy -c a.yml -c b.yml\`.
A facts document (from preflight or audit --save-facts) is linted too.

Options:
  -c, --compose-file FILE    a file of the merge set (repeat, in order)
      --merge A,B,...        another merge set (repeatable)
  -f, --format NAME          stylish (default), json, sarif, html
  -o, --output-file FILE     write the report to FILE
      --config FILE          the config file (default: nearest swarmlint.config.*)
      --rule ID:SEVERITY     set a rule (off, error, warning, info, suggestion); repeatable
      --failure-threshold S  exit 1 at this severity or above (default error; none never)
      --max-warnings N       exit 1 with more than N warnings
      --env-file FILE        variables for interpolation, over the environment
      --cluster-facts FILE   check against a saved audit (real subnets, nodes, MTU)
      --same-swarm           the stacks of this run go to one swarm: a port two of them publish conflicts
      --stack-name NAME      the name docker stack deploy gives the stack (over the config's stackName)
      --fix                  apply fixes to the files
      --fix-dry-run          report the files as they are, print the diff --fix would apply (stderr)
      --print-stack          print each stack merged and interpolated, as \`docker stack config\` does
                             (to compare with it), instead of linting
      --color, --no-color    force colour on or off
      --debug                stack traces for internal errors
  -h, --help

Exit: 0 clean, 1 findings at or over the threshold, 2 usage, config or files that could not be checked.`;

function readEnvFile(path: string, cwd: string): Map<string, string> {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (error) {
    throw new UsageError(`--env-file ${path}: ${(error as Error).message}`);
  }
  return new Map(Object.entries(parseEnv(text)).filter((e): e is [string, string] => e[1] !== undefined));
}

function clusterFacts(path: string, cwd: string): ClusterProfile {
  const file = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--cluster-facts ${path}: ${(error as Error).message}`);
  }
  try {
    return profileFromFacts(loadFacts(text, file));
  } catch (error) {
    // loadFacts throws LoadErrors, with the position of what is wrong.
    const e = error as LoadError;
    throw new ConfigError(`--cluster-facts: ${e.message}`, e.file, e.line, e.column);
  }
}

/**
 * `--print-stack`: each merge set merged and interpolated as `docker stack config` prints it, on standard output
 * (a `# files` comment before each when there are several). Files that cannot be read or parsed: exit 2.
 */
function printStacks(
  sets: string[][],
  files: ReadonlyMap<string, ReadFile>,
  errors: readonly FatalError[],
  env: ReadonlyMap<string, string>,
  dialect: YamlDialect,
): number {
  let failed = errors.length > 0;
  for (const e of errors) process.stderr.write(`swarmlint: ${e.file ?? ''}: ${e.message}\n`);
  for (const set of sets) {
    const sources = set.map((p) => files.get(p)).filter((f): f is ReadFile => f !== undefined);
    if (sources.length !== set.length) continue;
    try {
      const loaded = loadStack(
        sources.map((f) => ({ path: f.path, text: f.text })),
        { env, dialect },
      );
      if (sets.length > 1) process.stdout.write(`# ${set.join(' + ')}\n`);
      process.stdout.write(printStack(loaded.interpolated));
    } catch (error) {
      if (!(error instanceof LoadErrorClass)) throw error;
      failed = true;
      process.stderr.write(`swarmlint: ${error.toString()}\n`);
    }
  }
  return failed ? 2 : 0;
}

const THRESHOLDS = ['error', 'warning', 'info', 'suggestion', 'none'] as const;

/** The command line's own values, checked before any work is done: a typo must not cost a lint run. */
function checkUsage(values: ParsedArgs['values'], positionals: readonly string[]): void {
  const format = values.format as string | undefined;
  if (format !== undefined && !isFormat(format)) throw new UsageError(`unknown format "${format}" (one of: ${FORMATS.join(', ')})`);
  const max = values['max-warnings'] as string | undefined;
  if (max !== undefined && !/^\d+$/.test(max)) throw new UsageError(`--max-warnings ${max}: a whole number, 0 or more`);
  const threshold = values['failure-threshold'] as string | undefined;
  if (threshold !== undefined && !(THRESHOLDS as readonly string[]).includes(threshold))
    throw new UsageError(`--failure-threshold ${threshold}: one of ${THRESHOLDS.join(', ')}`);
  const stackName = values['stack-name'] as string | undefined;
  // docker/cli refuses an empty name and one with spaces around it (validateStackName); swarmkit checks the rest.
  if (stackName !== undefined && !/^\S+$/.test(stackName))
    throw new UsageError(`--stack-name ${JSON.stringify(stackName)}: a name without spaces`);
  if (values.fix === true && values['fix-dry-run'] !== true && positionals.includes(STDIN))
    throw new UsageError('--fix cannot rewrite standard input (use --fix-dry-run to see what it would fix)');
}

interface Pass {
  report: LintReport;
  documents: LintDocument[];
}

export async function runLint(args: ParsedArgs, cwd: string): Promise<number> {
  const values = args.values;
  checkUsage(values, args.positionals);
  const format = (values.format as string | undefined) ?? 'stylish';
  const config = await loadConfig({
    cwd,
    ...(values.config ? { configPath: values.config as string } : {}),
    ruleOverrides: (values.rule as string[] | undefined) ?? [],
  });
  const env = new Map(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  if (values['env-file']) for (const [k, v] of readEnvFile(values['env-file'] as string, cwd)) env.set(k, v);
  // A saved audit is what the cluster is: where it and the config file both say something, the audit wins.
  const cluster: ClusterProfile = values['cluster-facts']
    ? { ...config.cluster, ...clusterFacts(values['cluster-facts'] as string, cwd) }
    : config.cluster;

  const compose = (values['compose-file'] as string[] | undefined) ?? [];
  const merges = (values.merge as string[] | undefined) ?? [];
  if (args.positionals.length === 0 && compose.length === 0 && merges.length === 0)
    throw new UsageError('no files to lint (swarmlint lint --help)');
  const { sets, errors: inputErrors } = await resolveInputs(args.positionals, compose, merges, cwd, config.ignores);

  // Read every file once; --fix rewrites these texts between passes.
  const files = new Map<string, ReadFile>();
  const readErrors: FatalError[] = [];
  for (const path of new Set(sets.flat())) {
    const read = readInput(path, defaultLimits);
    if ('text' in read) files.set(path, read);
    else readErrors.push(read);
  }

  if (values['print-stack'] === true)
    return printStacks(sets, files, [...inputErrors, ...readErrors], env, dialectOf(config.docker.cliVersion));

  const fix = values.fix === true || values['fix-dry-run'] === true;
  const stackName = (values['stack-name'] as string | undefined) ?? config.stackName;
  const lintOnce = (): Pass => {
    const documents: LintDocument[] = [];
    const errors: FatalError[] = [...inputErrors, ...readErrors];
    for (const set of sets) {
      const sources = set.map((p) => files.get(p)).filter((f): f is ReadFile => f !== undefined);
      if (sources.length !== set.length) continue; // a file of the set could not be read: already an error
      const doc = prepareDocument(
        sources.map((f) => ({ path: f.path, text: f.text })),
        { env, dialect: dialectOf(config.docker.cliVersion) },
      );
      if (isDocument(doc))
        documents.push({
          ...doc,
          // The stack's name as deployed: for messages (`<stack>_<service>`) and its logical location.
          root: {
            ...doc.root,
            ...(doc.root.type === 'Stack' && stackName ? { name: stackName, ref: { kind: 'stack' as const, name: stackName } } : {}),
          },
        });
      else errors.push(doc);
    }
    const report = lintDocuments(documents, {
      rules: config.rules,
      plugins: config.plugins,
      cluster,
      unusedSuppressions: config.unusedSuppressions,
      sameSwarm: values['same-swarm'] === true || config.sameSwarm,
    });
    return { report: { ...report, errors: [...errors, ...report.errors] }, documents };
  };

  const dryRun = values['fix-dry-run'] === true;
  let pass = lintOnce();
  // A dry run reports the files as they are on disk; the fixes are shown as a diff.
  const onDisk = pass;
  const originals = new Map([...files.values()].map((f) => [f.path, f.text]));
  let fixed = 0;
  const changed = new Set<string>();
  for (let i = 0; fix && i < 10; i++) {
    const edits = new Map<string, FileEdit[]>();
    for (const f of pass.report.findings) if (f.fix) edits.set(f.fix.file, [...(edits.get(f.fix.file) ?? []), f.fix]);
    let applied = 0;
    for (const file of files.values()) {
      const list = edits.get(file.path);
      if (!list) continue;
      // The first edit in a file always applies; others that overlap it wait for the next pass.
      const out = applyEdits(file.text, list);
      file.text = out.text;
      applied += out.applied;
      changed.add(file.path);
    }
    if (applied === 0) break;
    fixed += applied;
    pass = lintOnce();
  }
  if (fix && changed.size > 0) {
    if (!dryRun) {
      for (const file of files.values()) if (changed.has(file.path)) writeFileAtomically(file.path, (file.bom ? '\uFEFF' : '') + file.text);
    }
    const verb = dryRun ? 'would fix' : 'fixed';
    process.stderr.write(
      `swarmlint: ${verb} ${String(fixed)} problem${fixed === 1 ? '' : 's'} in ${String(changed.size)} file${changed.size === 1 ? '' : 's'}\n`,
    );
    if (dryRun)
      for (const file of files.values())
        if (changed.has(file.path))
          process.stderr.write(unifiedDiff(displayPath(cwd, file.path), originals.get(file.path) ?? '', file.text));
  }
  if (dryRun) pass = onDisk;

  const report = pass.report;
  const outputFile = values['output-file'] as string | undefined;
  await writeReport(
    report,
    format,
    {
      cwd,
      rules: describeRules(report, builtinRules, config.plugins),
      color: useColor(format, outputFile, values.color as boolean | undefined),
      command: 'lint',
      ...drawing(format, pass.documents, cluster),
    },
    outputFile,
  );
  const maxWarnings = values['max-warnings'] !== undefined ? Number(values['max-warnings']) : config.maxWarnings;
  const threshold = (values['failure-threshold'] as (typeof THRESHOLDS)[number] | undefined) ?? config.failureThreshold;
  return exitCode(report, threshold, maxWarnings);
}

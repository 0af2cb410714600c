import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { ConfigError, findConfig, loadConfig, type ResolvedConfig } from '../engine/config.js';
import { profileFromFacts } from '../engine/cluster-profile.js';
import { isDocument, prepareDocument } from '../engine/documents.js';
import { compareFindings, type FatalError, type FileEdit, type Finding, type LintReport } from '../engine/findings.js';
import { applyEdits } from '../engine/fix.js';
import { lintDocuments, type LintDocument } from '../engine/lint.js';
import type { LoadError } from '../language/loader/errors.js';
import { loadFacts } from '../language/loader/facts.js';
import { defaultLimits } from '../language/loader/limits.js';
import { dialectOf, type YamlDialect } from '../language/loader/yaml.js';
import { LoadError as LoadErrorClass } from '../language/loader/errors.js';
import { printStack } from '../language/loader/print.js';
import { loadStack } from '../language/loader/stack.js';
import { setValidatorLoader } from '../language/loader/schema.js';
import { loadBundle } from '../engine/code-cache.js';
import { rules as builtinRules } from '../rules/index.js';
import type { ClusterProfile } from '../language/settings.js';
import { type ParsedArgs } from './args.js';
import { UsageError } from './exit.js';
import { envMap, processStreams, type Streams } from './io.js';
import { finish, formatsFor, limits, readReportOptions, shown } from './report-options.js';
import { planStacks, resolveInputs, readInput, STDIN, type PlannedStack, type ReadFile } from './inputs.js';
import { describeRules, drawing, useColor, writeReport } from './output.js';
import { writeFileAtomically } from '../engine/write-file.js';
import { unifiedDiff } from '../engine/diff.js';
import { displayPath } from '../reporters/paths.js';

export const LINT_HELP = `Usage: swarmlint lint [options] [FILE|DIR|GLOB|-]...

Lints Docker stack files as \`docker stack deploy\` reads them. Each file is a stack of its own (a file
given twice is linted once; an override found in a folder, without \`image\` and with its base beside
it, is not linted alone); -c files (and each --merge list) are merged like \`docker stack deploy -c a.yml
-c b.yml\`, and so are the config's \`stacks:\` (one swarm; linted by name; all of them without FILEs).
A facts document (from preflight or audit --save-facts) is linted too.

Options:
  -c, --compose-file FILE    a file of the merge set (repeat, in order)
      --merge A,B,...        another merge set (repeatable)
  -f, --format NAME          stylish (default), json, sarif, github, gitlab, html
  -o, --output-file FILE     write the report to FILE (its folder is created)
      --config FILE          the config file for every file (default: each file's nearest
                             swarmlint.config.* above it; ignores, failureThreshold and
                             maxWarnings from the one above the working folder)
      --rule ID:SEVERITY     set a rule (off, error, warning, info, suggestion); repeatable
      --failure-threshold S  exit 1 at this severity or above (default error; none never)
      --max-warnings N       exit 1 with more than N warnings (-1: no limit)
  -q, --quiet                report errors only (the exit code still counts every finding)
      --stdin                lint standard input (as the file -)
      --stdin-filename FILE  the name standard input is reported under
      --print-config FILE    print the configuration that applies to FILE, as JSON, and lint nothing
      --sarif-root DIR       paths and fingerprints relative to DIR (default: the git top level)
      --env-file FILE        variables for interpolation, over the environment
      --cluster-facts FILE   check against a saved audit (real subnets, nodes, MTU)
      --same-swarm           the stacks of this run go to one swarm: a port two of them publish conflicts
                             (they are linted together, by the config above the working folder)
      --stack-name NAME      the name docker stack deploy gives the stack (over the config's stackName)
      --fix                  apply fixes to the files
      --fix-dry-run          report the files as they are, print the diff --fix would apply (stderr)
      --print-stack          print each stack merged and interpolated, as \`docker stack config\` does
                             (to compare with it), instead of linting
      --color, --no-color    force colour on or off
      --debug                stack traces for internal errors
  -h, --help

Exit: 0 clean, 1 findings at or over the threshold, 2 usage, config or files that could not be checked.`;

/** Findings without repeats: the same rule, message and place (a fix, if any, is the same then). */
function once(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = [f.ruleId, f.messageId, f.message, f.file, f.line, f.column, f.endLine, f.endColumn].join('\0');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A note names its file relative to the working folder, as the reports do. */
function displayNote(cwd: string, note: string): string {
  const at = note.indexOf(': ');
  return at > 0 ? `${displayPath(cwd, note.slice(0, at))}${note.slice(at)}` : note;
}

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
  io: Streams,
): number {
  let failed = errors.length > 0;
  for (const e of errors) io.stderr.write(`swarmlint: ${e.file ?? ''}: ${e.message}\n`);
  for (const set of sets) {
    const sources = set.map((p) => files.get(p)).filter((f): f is ReadFile => f !== undefined);
    if (sources.length !== set.length) continue;
    try {
      const loaded = loadStack(
        sources.map((f) => ({ path: f.path, text: f.text })),
        { env, dialect, plainValues: true },
      );
      if (sets.length > 1) io.stdout.write(`# ${set.join(' + ')}\n`);
      io.stdout.write(printStack(loaded.interpolated));
    } catch (error) {
      if (!(error instanceof LoadErrorClass)) throw error;
      failed = true;
      io.stderr.write(`swarmlint: ${error.toString()}\n`);
    }
  }
  return failed ? 2 : 0;
}

/** The command line's own values, checked before any work is done: a typo must not cost a lint run. */
function checkUsage(values: ParsedArgs['values'], given: readonly string[]): void {
  if (values.stdin === true && given.some((p) => p !== STDIN))
    throw new UsageError(`--stdin lints standard input only (got ${given.join(' ')})`);
  const positionals = values.stdin === true ? [STDIN] : given;
  if (values['stdin-filename'] !== undefined && values.stdin !== true && !positionals.includes(STDIN))
    throw new UsageError('--stdin-filename names standard input: use it with --stdin (or -)');
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

export async function runLint(args: ParsedArgs, cwd: string, io: Streams = processStreams()): Promise<number> {
  // The stack schema's validators (one file per version, about 120 kB each) through the code cache.
  setValidatorLoader((file) => loadBundle(file, { wrapped: false }));
  const values = args.values;
  const options = readReportOptions(values, cwd, formatsFor('lint'));
  const format = options.format;
  const positionals = values.stdin === true ? [STDIN] : args.positionals;
  checkUsage(values, args.positionals);
  if (values['print-config'] !== undefined) return printConfig(values, cwd, io);
  const ruleOverrides = (values.rule as string[] | undefined) ?? [];
  // The run's config (--config, else the nearest above the working folder): ignores, threshold, warning limit.
  const config = await loadConfig({ cwd, ...(values.config ? { configPath: values.config as string } : {}), ruleOverrides });
  // Each file's rules, plugins, cluster and stack name come from the nearest config above it (as ESLint's flat
  // config is looked up), unless --config names one for all. Loaded once per config file.
  const configs = new Map<string, Promise<ResolvedConfig>>();
  // The nearest config of each folder, looked up once (the files of a folder share it).
  const nearest = new Map<string, string | undefined>();
  const configFor = (file: string): Promise<ResolvedConfig> => {
    if (values.config || file === STDIN) return Promise.resolve(config);
    const dir = dirname(file);
    if (!nearest.has(dir)) nearest.set(dir, findConfig(dir));
    const found = nearest.get(dir);
    if (found === config.path) return Promise.resolve(config);
    const key = found ?? '';
    let loaded = configs.get(key);
    if (!loaded) {
      loaded = loadConfig({ cwd: dirname(file), ...(found ? { configPath: found } : {}), ruleOverrides });
      configs.set(key, loaded);
    }
    return loaded;
  };
  const env = envMap(io.env);
  if (values['env-file']) for (const [k, v] of readEnvFile(values['env-file'] as string, cwd)) env.set(k, v);
  // A saved audit is what the cluster is: where it and the config file both say something, the audit wins.
  const savedCluster = values['cluster-facts'] ? clusterFacts(values['cluster-facts'] as string, cwd) : undefined;
  const clusterOf = (c: ResolvedConfig): ClusterProfile => (savedCluster ? { ...c.cluster, ...savedCluster } : c.cluster);
  const cluster = clusterOf(config);

  const compose = (values['compose-file'] as string[] | undefined) ?? [];
  const merges = (values.merge as string[] | undefined) ?? [];
  if (positionals.length === 0 && compose.length === 0 && merges.length === 0 && config.stacks.length === 0)
    throw new UsageError('no files to lint (swarmlint lint --help)');
  const inputs = await resolveInputs(positionals, compose, merges, cwd, config.ignores);
  const inputErrors = inputs.errors;
  const plan = planStacks(inputs.sets, inputs.expanded, config.stacks, (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  });
  for (const note of plan.notes) io.stderr.write(`swarmlint: note: ${displayNote(cwd, note)}\n`);
  const sets = plan.stacks.map((s) => s.files);
  // `--stdin-filename`: standard input is reported, fingerprinted and fixed-dry-run under that name.
  const stdinName = values['stdin-filename'] !== undefined ? resolve(cwd, values['stdin-filename'] as string) : undefined;

  // Read every file once; --fix rewrites these texts between passes.
  const files = new Map<string, ReadFile>();
  const readErrors: FatalError[] = [];
  for (const path of new Set(sets.flat())) {
    const read = readInput(path, defaultLimits, io.stdin);
    if ('text' in read) files.set(path, path === STDIN && stdinName ? { ...read, path: stdinName } : read);
    else readErrors.push(read);
  }
  // Sets by the config that applies to their first file, in order of first appearance. Stacks that go to one
  // swarm are linted together (rules compare them), so by the run's config.
  const sameSwarm = values['same-swarm'] === true || config.sameSwarm;
  // The config's declared stacks go to one swarm: linted together, by the run's config.
  const groups = new Map<ResolvedConfig | 'declared', PlannedStack[]>();
  for (const stack of plan.stacks) {
    const first = stack.files[0] === STDIN && stdinName ? stdinName : (stack.files[0] ?? STDIN);
    const key = sameSwarm ? config : stack.declared ? 'declared' : await configFor(first);
    groups.set(key, [...(groups.get(key) ?? []), stack]);
  }
  const configOf = (key: ResolvedConfig | 'declared'): ResolvedConfig => (key === 'declared' ? config : key);

  if (values['print-stack'] === true)
    return printStacks(sets, files, [...inputErrors, ...readErrors], env, dialectOf(config.docker.cliVersion), io);

  const fix = values.fix === true || values['fix-dry-run'] === true;
  const stackNameFlag = values['stack-name'] as string | undefined;
  const lintOnce = (): Pass => {
    const documents: LintDocument[] = [];
    const errors: FatalError[] = [...inputErrors, ...readErrors];
    const reports: LintReport[] = [];
    for (const [key, group] of groups) {
      const c = configOf(key);
      const docs: LintDocument[] = [];
      for (const planned of group) {
        // A declared stack has its own name; the others get --stack-name, else their config's stackName.
        const stackName = planned.name ?? stackNameFlag ?? c.stackName;
        const set = planned.files;
        const sources = set.map((p) => files.get(p)).filter((f): f is ReadFile => f !== undefined);
        if (sources.length !== set.length) continue; // a file of the set could not be read: already an error
        const doc = prepareDocument(
          sources.map((f) => ({ path: f.path, text: f.text })),
          { env, dialect: dialectOf(c.docker.cliVersion) },
        );
        if (isDocument(doc))
          docs.push({
            ...doc,
            // The stack's name as deployed: for messages (`<stack>_<service>`) and its logical location.
            root: {
              ...doc.root,
              ...(doc.root.type === 'Stack' && stackName ? { name: stackName, ref: { kind: 'stack' as const, name: stackName } } : {}),
            },
          });
        else errors.push(doc);
      }
      documents.push(...docs);
      reports.push(
        lintDocuments(docs, {
          root: options.root,
          rules: c.rules,
          plugins: c.plugins,
          cluster: clusterOf(c),
          unusedSuppressions: c.unusedSuppressions,
          sameSwarm: sameSwarm || key === 'declared',
        }),
      );
    }
    const report: LintReport = {
      // A file in two stacks of the run (alone and in a merge set, or in two merge sets) has its own findings
      // in each: the same problem at the same place is reported once.
      findings: once(reports.flatMap((r) => r.findings)).sort(compareFindings),
      errors: [...errors, ...reports.flatMap((r) => r.errors)],
      files: [...new Set(reports.flatMap((r) => r.files))],
      rulesRun: [...new Set(reports.flatMap((r) => r.rulesRun))].sort(),
    };
    return { report, documents };
  };

  const dryRun = values['fix-dry-run'] === true;
  let pass = lintOnce();
  // A dry run reports the files as they are on disk; the fixes are shown as a diff.
  const onDisk = pass;
  const originals = new Map([...files.values()].map((f) => [f.path, f.text]));
  let fixed = 0;
  const changed = new Set<string>();
  const unwritten: FatalError[] = [];
  const fixedIn = new Map<string, number>();
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
      fixedIn.set(file.path, (fixedIn.get(file.path) ?? 0) + out.applied);
    }
    if (applied === 0) break;
    fixed += applied;
    pass = lintOnce();
  }
  if (fix && changed.size > 0) {
    if (!dryRun) {
      // Each fixed file is written beside itself and renamed into place (its mode kept, a symlink kept): a run that
      // fails or is killed leaves the old file whole. A file that cannot be written is a fatal error (exit 2); the
      // other files are still written.
      for (const file of files.values()) {
        if (!changed.has(file.path)) continue;
        try {
          writeFileAtomically(file.path, (file.bom ? '\uFEFF' : '') + file.text);
        } catch (error) {
          unwritten.push({ kind: 'io', file: file.path, message: `--fix could not write the file: ${(error as Error).message}` });
        }
      }
    }
    const verb = dryRun ? 'would fix' : 'fixed';
    // What was not written was not fixed.
    for (const u of unwritten) {
      fixed -= fixedIn.get(u.file ?? '') ?? 0;
      changed.delete(u.file ?? '');
    }
    if (changed.size > 0)
      io.stderr.write(
        `swarmlint: ${verb} ${String(fixed)} problem${fixed === 1 ? '' : 's'} in ${String(changed.size)} file${changed.size === 1 ? '' : 's'}\n`,
      );
    if (dryRun)
      for (const file of files.values())
        if (changed.has(file.path)) io.stderr.write(unifiedDiff(displayPath(cwd, file.path), originals.get(file.path) ?? '', file.text));
  }
  if (dryRun) pass = onDisk;

  // A file --fix could not write is reported as it is on disk, with the error.
  const lost = new Set(unwritten.map((u) => u.file));
  const report: LintReport =
    unwritten.length > 0
      ? {
          ...pass.report,
          findings: [
            ...pass.report.findings.filter((f) => !lost.has(f.file)),
            ...onDisk.report.findings.filter((f) => lost.has(f.file)),
          ].sort(compareFindings),
          errors: [...pass.report.errors, ...unwritten],
        }
      : pass.report;
  const outputFile = options.outputFile;
  await writeReport(
    shown(report, options),
    format,
    {
      cwd,
      root: options.root,
      rules: describeRules(
        report,
        builtinRules,
        Object.assign({}, ...[...groups.keys()].map((c) => configOf(c).plugins)) as ResolvedConfig['plugins'],
        format,
      ),
      color: useColor(format, outputFile, options.color, io),
      command: 'lint',
      ...drawing(format, pass.documents, cluster),
    },
    outputFile,
    io,
  );
  return finish(report, options, limits(options, config), (line) => io.stderr.write(line));
}

/** `--print-config FILE`: the configuration in force for that file (the nearest config above it, or --config). */
async function printConfig(values: ParsedArgs['values'], cwd: string, io: Streams): Promise<number> {
  const file = resolve(cwd, values['print-config'] as string);
  const config = await loadConfig({
    cwd: dirname(file),
    ...(values.config ? { configPath: resolve(cwd, values.config as string) } : {}),
    ruleOverrides: (values.rule as string[] | undefined) ?? [],
  });
  const out = {
    ...(config.path ? { configFile: config.path } : {}),
    rules: Object.fromEntries(
      Object.entries(config.rules)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, r]) => [id, r.options.length > 0 ? [r.severity, ...r.options] : r.severity]),
    ),
    plugins: Object.keys(config.plugins),
    cluster: config.cluster,
    failureThreshold: config.failureThreshold,
    maxWarnings: config.maxWarnings ?? -1,
    unusedSuppressions: config.unusedSuppressions,
    ignores: config.ignores,
    ...(config.stackName ? { stackName: config.stackName } : {}),
    sameSwarm: config.sameSwarm,
  };
  io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
}

// bench/lint-corpus: whole-process time to lint every file of ../shared/corpus/stacks with swarmlint, next to
// dclint 3.1.0 on the same files and next to a parse-only floor (the same files through the `yaml` package
// alone). A benchmark, not a test: it prints the figures, writes them to bench/results/ and exits 0 unless
// something could not be measured (or, with --check, unless both targets are met). See bench/README.md.
//
//   npm run bench:lint -- [--runs N] [--warmup N] [--corpus DIR] [--no-build] [--check]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { ensureBuilt, log, ROOT, rounds, stats, type Contender as Timed, type Stats } from './runner.js';

const DEPS = join(ROOT, 'bench/.deps');
const RESULTS = join(ROOT, 'bench/results');
const DCLINT_VERSION = '3.1.0';
const TARGETS = { dclintOverSwarmlint: 15, swarmlintOverFloor: 2 };

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    corpus: { type: 'string', default: join(ROOT, '../shared/corpus/stacks') },
    'no-build': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
const WARMUP = Number(opts.warmup);
if (!Number.isInteger(RUNS) || RUNS < 1 || !Number.isInteger(WARMUP) || WARMUP < 0) die('--runs must be 1 or more, --warmup 0 or more');

function die(message: string): never {
  process.stderr.write(`bench/lint-corpus: ${message}\n`);
  process.exit(2);
}

function run(command: string, args: string[], cwd = ROOT): void {
  const r = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (r.status !== 0) die(`\`${command} ${args.join(' ')}\` failed (exit ${String(r.status ?? r.signal)})`);
}

// --- the input ----------------------------------------------------------------------------------------------

const corpusDir = opts.corpus;
if (!existsSync(corpusDir) || !statSync(corpusDir).isDirectory())
  die(
    `the corpus is not there: ${corpusDir}\n` +
      'This benchmark reads the shared corpus (../shared/corpus/stacks beside the repository, or --corpus DIR).\n' +
      'Only the benchmark needs it; swarmlint and its tests do not.',
  );
const FILES = readdirSync(corpusDir)
  .filter((f) => statSync(join(corpusDir, f)).isFile())
  .sort()
  .map((f) => relative(ROOT, join(corpusDir, f)));
if (FILES.length === 0) die(`no files in ${corpusDir}`);

// --- the contenders, made ready -----------------------------------------------------------------------------

/** Installs dclint, pinned, into bench/.deps/ (gitignored) when it is not there. */
function ensureDclint(): string {
  const pkg = join(DEPS, 'node_modules/dclint/package.json');
  const version = (): string | undefined =>
    existsSync(pkg) ? (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version : undefined;
  if (version() !== DCLINT_VERSION) {
    log(`installing dclint@${DCLINT_VERSION} into bench/.deps/`);
    mkdirSync(DEPS, { recursive: true });
    run('npm', ['install', '--prefix', DEPS, '--save-exact', '--no-audit', '--no-fund', `dclint@${DCLINT_VERSION}`]);
    if (version() !== DCLINT_VERSION) die(`bench/.deps has dclint ${String(version())}, not ${DCLINT_VERSION}`);
  }
  return join(DEPS, 'node_modules/dclint/bin/dclint.cjs');
}

/**
 * Strips the types from bench/parse-floor.ts into plain JavaScript, so the floor is timed without any
 * TypeScript loader. It goes under bench/results/ (gitignored), where `yaml` resolves to the project's own copy
 * (node_modules may be shared with another checkout, and bench/.deps/ has dclint's).
 */
function floorScript(): string {
  const source = readFileSync(join(ROOT, 'bench/parse-floor.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2023, verbatimModuleSyntax: true },
  });
  const dir = join(ROOT, 'bench/results/.floor');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'parse-floor.mjs');
  writeFileSync(out, outputText);
  return out;
}

interface Contender extends Timed {
  name: 'floor' | 'swarmlint' | 'dclint';
}

const fileSet = new Set(FILES);

function expectStatus(name: string, status: number | null, allowed: number[], stderr: string): void {
  if (status === null || !allowed.includes(status)) throw new Error(`${name} exited ${String(status)}:\n${stderr.slice(0, 2000)}`);
}

function contenders(dclint: string, floor: string): Contender[] {
  return [
    {
      name: 'floor',
      args: [relative(ROOT, floor), ...FILES],
      verify(status, stdout, stderr) {
        expectStatus('floor', status, [0], stderr);
        const r = JSON.parse(stdout) as { files: number; documents: number; failed: number };
        if (r.files !== FILES.length) throw new Error(`floor parsed ${String(r.files)} of ${String(FILES.length)} files`);
        return `${String(r.files)} files parsed, ${String(r.failed)} with YAML errors`;
      },
    },
    {
      name: 'swarmlint',
      args: ['dist/cli/main.js', 'lint', '--format', 'json', ...FILES],
      verify(status, stdout, stderr) {
        // 2 is expected: some corpus files are not valid YAML, and swarmlint says so (as an error naming the file).
        expectStatus('swarmlint', status, [0, 1, 2], stderr);
        const r = JSON.parse(stdout) as {
          findings: { file?: string }[];
          errors: { kind: string; file?: string }[];
          summary: { files: number };
        };
        const failed = new Set(r.errors.map((e) => e.file));
        if (r.errors.some((e) => e.kind !== 'load' || e.file === undefined || !fileSet.has(e.file)))
          throw new Error(`swarmlint reported errors other than files it could not load: ${JSON.stringify(r.errors)}`);
        if (r.summary.files + failed.size !== FILES.length)
          throw new Error(
            `swarmlint linted ${String(r.summary.files)} files and failed ${String(failed.size)}, of ${String(FILES.length)}`,
          );
        if (status === 2 && failed.size === 0) throw new Error('swarmlint exited 2 without naming a file it could not load');
        return `${String(r.summary.files)} files linted, ${String(failed.size)} not loadable, ${String(r.findings.length)} findings`;
      },
    },
    {
      name: 'dclint',
      args: [relative(ROOT, dclint), '--formatter', 'json', ...FILES],
      verify(status, stdout, stderr) {
        expectStatus('dclint', status, [0, 1], stderr);
        const r = JSON.parse(stdout) as { filePath: string; messages: unknown[] }[];
        const seen = new Set(r.map((f) => f.filePath));
        const missing = FILES.filter((f) => !seen.has(f));
        if (missing.length > 0) throw new Error(`dclint did not report on ${String(missing.length)} files, e.g. ${String(missing[0])}`);
        return `${String(seen.size)} files reported, ${String(r.reduce((n, f) => n + f.messages.length, 0))} messages`;
      },
    },
  ];
}

// --- timing -------------------------------------------------------------------------------------------------

// --- main ---------------------------------------------------------------------------------------------------

// stdout goes to a file, the same for every contender: dclint exits before a pipe has taken all of its output.
const STDOUT = join(os.tmpdir(), `swarmlint-bench-${String(process.pid)}.out`);

try {
  ensureBuilt(opts['no-build']);
} catch (error) {
  die((error as Error).message);
}
const list = contenders(ensureDclint(), floorScript());
const load0 = os.loadavg();

log(`${String(FILES.length)} files from ${relative(ROOT, corpusDir)}; ${String(WARMUP)} warm-up + ${String(RUNS)} timed runs each`);
const { samples, summaries: checked } = rounds(list, {
  runs: RUNS,
  warmup: WARMUP,
  stdoutFile: STDOUT,
  onRound: (round, samples) => {
    log(
      `  round ${String(round + 1)}/${String(RUNS)}: ${list.map((c) => `${c.name} ${samples[c.name]!.at(-1)!.wall.toFixed(3)}s`).join(', ')}`,
    );
  },
});
for (const c of list) log(`  ${c.name.padEnd(9)} ${checked[c.name]!}`);
const load1 = os.loadavg();
rmSync(STDOUT, { force: true });

const wall = Object.fromEntries(list.map((c) => [c.name, stats(samples[c.name]!.map((s) => s.wall))])) as Record<Contender['name'], Stats>;
const cpuKnown = list.every((c) => samples[c.name]!.every((s) => s.cpu !== undefined));
const cpu = cpuKnown ? Object.fromEntries(list.map((c) => [c.name, stats(samples[c.name]!.map((s) => s.cpu!))])) : undefined;

const ratios = {
  // What a linter that did nothing but parse with `yaml` would score against dclint: the ceiling for swarmlint.
  dclintOverFloor: { min: wall.dclint.min / wall.floor.min, median: wall.dclint.median / wall.floor.median },
  dclintOverSwarmlint: { min: wall.dclint.min / wall.swarmlint.min, median: wall.dclint.median / wall.swarmlint.median },
  swarmlintOverFloor: { min: wall.swarmlint.min / wall.floor.min, median: wall.swarmlint.median / wall.floor.median },
};
// The same ratios on CPU time (user + system of the whole process): steadier than wall time on a busy machine.
const cpuRatios = cpu
  ? {
      dclintOverSwarmlint: { min: cpu.dclint!.min / cpu.swarmlint!.min, median: cpu.dclint!.median / cpu.swarmlint!.median },
      swarmlintOverFloor: { min: cpu.swarmlint!.min / cpu.floor!.min, median: cpu.swarmlint!.median / cpu.floor!.median },
    }
  : undefined;
const met = {
  dclintOverSwarmlint: ratios.dclintOverSwarmlint.median >= TARGETS.dclintOverSwarmlint,
  swarmlintOverFloor: ratios.swarmlintOverFloor.median <= TARGETS.swarmlintOverFloor,
};

function git(...args: string[]): string {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}
const pkgVersion = (path: string): string => (JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as { version: string }).version;

const when = new Date();
const result = {
  benchmark: 'lint-corpus',
  date: when.toISOString(),
  corpus: { dir: relative(ROOT, corpusDir), files: FILES.length, bytes: FILES.reduce((n, f) => n + statSync(join(ROOT, f)).size, 0) },
  runs: RUNS,
  warmup: WARMUP,
  machine: {
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadavgBefore: load0,
    loadavgAfter: load1,
  },
  versions: {
    swarmlint: pkgVersion('package.json'),
    commit: git('rev-parse', 'HEAD'),
    workTreeChanges: git('status', '--porcelain').split('\n').filter(Boolean).length,
    dclint: pkgVersion('bench/.deps/node_modules/dclint/package.json'),
    yaml: pkgVersion('node_modules/yaml/package.json'),
  },
  contenders: Object.fromEntries(
    list.map((c) => [
      c.name,
      { command: ['node', ...c.args.slice(0, c.args.length - FILES.length), '<files>'].join(' '), output: checked[c.name] },
    ]),
  ),
  secondsWall: wall,
  secondsCpu: cpu ?? null,
  samples,
  ratios,
  cpuRatios: cpuRatios ?? null,
  targets: TARGETS,
  met,
};

mkdirSync(RESULTS, { recursive: true });
const out = join(RESULTS, `lint-corpus-${when.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

const f = (x: number): string => x.toFixed(3);
const lines = [
  '',
  `lint-corpus: ${String(FILES.length)} files (${String(result.corpus.bytes)} bytes), ${String(RUNS)} runs each, whole process, seconds`,
  `node ${process.version}, ${String(result.machine.nproc)} CPUs (${result.machine.cpu}), load ${load0.map((l) => l.toFixed(2)).join(' ')} -> ${load1.map((l) => l.toFixed(2)).join(' ')}`,
  '',
  `${'contender'.padEnd(10)} ${'min'.padStart(7)} ${'median'.padStart(7)} ${'mean'.padStart(7)} ${'max'.padStart(7)} ${'stdev'.padStart(7)}${cpu ? `  ${'cpu min'.padStart(7)} ${'cpu med'.padStart(7)}` : ''}`,
  ...list.map((c) => {
    const w = wall[c.name];
    const u = cpu?.[c.name];
    return `${c.name.padEnd(10)} ${f(w.min).padStart(7)} ${f(w.median).padStart(7)} ${f(w.mean).padStart(7)} ${f(w.max).padStart(7)} ${f(w.stdev).padStart(7)}${u ? `  ${f(u.min).padStart(7)} ${f(u.median).padStart(7)}` : ''}`;
  }),
  '',
  `dclint / swarmlint: ${ratios.dclintOverSwarmlint.median.toFixed(1)}x median (${ratios.dclintOverSwarmlint.min.toFixed(1)}x min); target >= ${String(TARGETS.dclintOverSwarmlint)}x: ${met.dclintOverSwarmlint ? 'met' : 'NOT met'}`,
  `swarmlint / floor:  ${ratios.swarmlintOverFloor.median.toFixed(2)}x median (${ratios.swarmlintOverFloor.min.toFixed(2)}x min); target <= ${String(TARGETS.swarmlintOverFloor)}x: ${met.swarmlintOverFloor ? 'met' : 'NOT met'}`,
  ...(cpuRatios
    ? [
        `on CPU time:        dclint / swarmlint ${cpuRatios.dclintOverSwarmlint.median.toFixed(1)}x median (${cpuRatios.dclintOverSwarmlint.min.toFixed(1)}x min), ` +
          `swarmlint / floor ${cpuRatios.swarmlintOverFloor.median.toFixed(2)}x median (${cpuRatios.swarmlintOverFloor.min.toFixed(2)}x min)`,
      ]
    : []),
  `ceiling:            dclint / floor ${ratios.dclintOverFloor.median.toFixed(1)}x median (${ratios.dclintOverFloor.min.toFixed(1)}x min): what parsing alone would score against dclint`,
  `(targets judged on the wall-time medians)`,
  `results: ${relative(ROOT, out)}`,
  '',
];
process.stdout.write(lines.join('\n'));
if (opts.check && !(met.dclintOverSwarmlint && met.swarmlintOverFloor)) process.exitCode = 1;

// bench/speed: the speed targets of issue 12, each as a ratio measured side by side in one run, so that a busy
// machine weighs on both sides alike. Contenders of one measurement run in rotating order, round after round;
// the figures are medians (wall clock, and CPU time of the child from /proc). A benchmark, not a test.
//
//   npm run bench:speed -- [--runs N] [--corpus DIR] [--no-build]
//
// - one file:      `swarmlint lint examples/docker-stack.yml` and `swarmlint --help` against `node -e 0`
// - 1000 files:    one `swarmlint lint -f json` over 1,000 stack files (the shared corpus copied into folders when
//                  it is there, generated files otherwise), against `node -e 0`; and ms per file
// - findings:      a facts document with 16,000 nodes, all but the leader on an older Engine (15,999 findings),
//                  end to end (`lint -f json`); and against the same with 4,000 (linear: about 4×)
// - JSON reader:   the facts loader's JSON reader (`readJson`, language/loader/json.ts: values and where objects,
//                  arrays and list items were written) against `JSON.parse` of 6.9 MB of audit facts, in this
//                  process; and the whole read into the model (`loadFacts`) against the same
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { auditFacts } from './audit-facts.js';
import { ensureBuilt, exits, log, MAIN, median, ROOT, rounds, type Contender } from './runner.js';

const RESULTS = join(ROOT, 'bench/results');

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    // ../shared beside the main checkout; a worktree under ../wt/<name> finds it one level further up.
    corpus: {
      type: 'string',
      default: [join(ROOT, '../shared/corpus/stacks'), join(ROOT, '../../shared/corpus/stacks')].find((d) => existsSync(d)) ?? '',
    },
    'no-build': { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be 1 or more');
ensureBuilt(opts['no-build']);

const work = mkdtempSync(join(os.tmpdir(), 'swarmlint-speed-'));
process.on('exit', () => {
  rmSync(work, { recursive: true, force: true });
});
const STDOUT = join(work, 'stdout');

interface Medians {
  wall: number;
  cpu: number;
}

/** One warm-up each, then `runs` rounds in rotating order; medians of wall and CPU per contender. */
function measure(contenders: Contender[], runs = RUNS): Record<string, Medians> {
  const { samples } = rounds(contenders, { runs, warmup: 1, stdoutFile: STDOUT });
  return Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [
      name,
      { wall: median(s.map((x) => x.wall)), cpu: median(s.map((x) => x.cpu ?? Number.NaN)) },
    ]),
  );
}

const FLOOR = exits('node -e 0', ['-e', '0'], [0]);
const rows: { measurement: string; figure: string; wall: number; cpu: number; target: string }[] = [];
const load0 = os.loadavg();

// --- one file -----------------------------------------------------------------------------------------------
log('one file …');
const one = measure([
  FLOOR,
  exits('lint one file', [MAIN, 'lint', 'examples/docker-stack.yml'], [0, 1]),
  exits('--help', [MAIN, '--help'], [0]),
]);
const floor = one['node -e 0'] as Medians;
const oneFile = one['lint one file'] as Medians;
const help = one['--help'] as Medians;
rows.push(
  { measurement: 'node -e 0', figure: `${floor.wall.toFixed(3)} s`, wall: 1, cpu: 1, target: '' },
  {
    measurement: 'lint one file / node -e 0',
    figure: `${oneFile.wall.toFixed(3)} s`,
    wall: oneFile.wall / floor.wall,
    cpu: oneFile.cpu / floor.cpu,
    target: '≤ 2.5×',
  },
  {
    measurement: '--help / node -e 0',
    figure: `${help.wall.toFixed(3)} s`,
    wall: help.wall / floor.wall,
    cpu: help.cpu / floor.cpu,
    target: '≤ 1.5×',
  },
);

// --- 1000 files ---------------------------------------------------------------------------------------------
const many = join(work, 'many');
let origin: string;
if (opts.corpus && existsSync(opts.corpus) && statSync(opts.corpus).isDirectory()) {
  const files = readdirSync(opts.corpus).filter((f) => /\.ya?ml$/.test(f));
  origin = `${opts.corpus} (${String(files.length)} files, copied into folders)`;
  let count = 0;
  for (let copy = 0; count < 1000; copy++) {
    mkdirSync(join(many, String(copy)), { recursive: true });
    for (const f of files) {
      if (count === 1000) break;
      cpSync(join(opts.corpus, f), join(many, String(copy), f));
      count++;
    }
  }
} else {
  origin = 'generated (no shared corpus)';
  mkdirSync(many, { recursive: true });
  for (let i = 0; i < 1000; i++) {
    writeFileSync(
      join(many, `stack-${String(i)}.yml`),
      `version: "3.8"\nservices:\n  web:\n    image: nginx:1.27\n    ports:\n      - "${String(8000 + (i % 100))}:80"\n    networks: [front]\n    deploy:\n      replicas: 2\n  api:\n    image: example/api:${String(i)}\n    networks: [front, back]\nnetworks:\n  front:\n    driver: overlay\n  back:\n    driver: overlay\n    driver_opts:\n      encrypted: ""\n`,
    );
  }
}
log(`1000 files (${origin}) …`);
const thousand = measure(
  [FLOOR, exits('lint 1000 files', [MAIN, 'lint', '-f', 'json', many], [0, 1, 2])],
  Math.max(3, Math.ceil(RUNS / 2)),
);
const t1000 = thousand['lint 1000 files'] as Medians;
const f1000 = thousand['node -e 0'] as Medians;
rows.push({
  measurement: 'lint 1000 files / node -e 0',
  figure: `${t1000.wall.toFixed(3)} s, ${((t1000.wall * 1000) / 1000).toFixed(2)} ms/file`,
  wall: t1000.wall / f1000.wall,
  cpu: t1000.cpu / f1000.cpu,
  target: '',
});

// --- many findings ------------------------------------------------------------------------------------------
function factsWithNodes(count: number): string {
  const nodes = Array.from({ length: count }, (_, i) => ({
    id: `n${String(i)}`,
    hostname: `node-${String(i)}`,
    role: i < 3 ? 'manager' : 'worker',
    engineVersion: i === 0 ? '28.2.2' : '26.1.5',
    ...(i === 0 ? { leader: true } : {}),
  }));
  return JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', nodes }, null, 2);
}
writeFileSync(join(work, 'facts-16000.json'), factsWithNodes(16_000));
writeFileSync(join(work, 'facts-4000.json'), factsWithNodes(4_000));
log('16,000 findings …');
const findings = measure(
  [
    exits('16k', [MAIN, 'lint', '-f', 'json', join(work, 'facts-16000.json')], [1]),
    exits('4k', [MAIN, 'lint', '-f', 'json', join(work, 'facts-4000.json')], [1]),
  ],
  Math.max(3, Math.ceil(RUNS / 2)),
);
const f16 = findings['16k'] as Medians;
const f4 = findings['4k'] as Medians;
rows.push(
  {
    measurement: '15,999 findings, end to end',
    figure: `${f16.wall.toFixed(3)} s wall, ${f16.cpu.toFixed(2)} s CPU`,
    wall: Number.NaN,
    cpu: Number.NaN,
    target: '≤ 2 s',
  },
  {
    measurement: '16k / 4k findings',
    figure: `4k: ${f4.wall.toFixed(3)} s`,
    wall: f16.wall / f4.wall,
    cpu: f16.cpu / f4.cpu,
    target: 'linear: ≈ 4×',
  },
);

// --- the JSON reader ----------------------------------------------------------------------------------------
log('JSON reader …');
const { readJson } = (await import(
  pathToFileURL(join(ROOT, 'dist/language/loader/json.js')).href
)) as typeof import('../language/loader/json.js');
const { loadFacts } = (await import(
  pathToFileURL(join(ROOT, 'dist/language/loader/facts.js')).href
)) as typeof import('../language/loader/facts.js');
const { defaultLimits } = (await import(
  pathToFileURL(join(ROOT, 'dist/language/loader/limits.js')).href
)) as typeof import('../language/loader/limits.js');
const text = auditFacts();
// Each against JSON.parse in its own rounds (rotating order, one warm-up round), so the model's garbage is not
// collected in the reader's time; wall clock and this process's CPU time.
const parseRounds = Math.max(7, RUNS);
const against = (parse: () => unknown): { native: Medians; it: Medians } => {
  const contenders: (() => unknown)[] = [() => JSON.parse(text) as unknown, parse];
  const wall: number[][] = [[], []];
  const cpu: number[][] = [[], []];
  for (let r = 0; r <= parseRounds; r++) {
    for (let k = 0; k < 2; k++) {
      const which = (r + k) % 2;
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      contenders[which]?.();
      const w = Number(process.hrtime.bigint() - t0) / 1e9;
      const c1 = process.cpuUsage(c0);
      if (r === 0) continue;
      wall[which]?.push(w);
      cpu[which]?.push((c1.user + c1.system) / 1e6);
    }
  }
  return {
    native: { wall: median(wall[0] ?? []), cpu: median(cpu[0] ?? []) },
    it: { wall: median(wall[1] ?? []), cpu: median(cpu[1] ?? []) },
  };
};
const { native, it: reader } = against(() => readJson(text, 'facts.json', defaultLimits));
const { native: native2, it: model } = against(() => loadFacts(text, 'facts.json', defaultLimits));
const ms = (m: Medians): string => `${(m.wall * 1000).toFixed(0)} ms`;
rows.push(
  {
    measurement: 'JSON reader / JSON.parse',
    figure: `${(text.length / 1e6).toFixed(1)} MB: ${ms(reader)} against ${ms(native)}`,
    wall: reader.wall / native.wall,
    cpu: reader.cpu / native.cpu,
    target: '≤ 3×',
  },
  {
    measurement: 'facts → model / JSON.parse',
    figure: `${(text.length / 1e6).toFixed(1)} MB: ${ms(model)} against ${ms(native2)}`,
    wall: model.wall / native2.wall,
    cpu: model.cpu / native2.cpu,
    target: '',
  },
);

// --- report -------------------------------------------------------------------------------------------------
const load1 = os.loadavg();
const when = new Date();
const result = {
  benchmark: 'speed',
  date: when.toISOString(),
  runs: RUNS,
  machine: {
    node: process.version,
    nproc: os.availableParallelism(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    loadavgBefore: load0,
    loadavgAfter: load1,
  },
  manyFiles: origin,
  rows,
};
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, `speed-${when.toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(result, null, 2)}\n`);
const ratio = (x: number): string => (Number.isNaN(x) ? '' : x.toFixed(2));
process.stdout.write(
  [
    `bench/speed ${when.toISOString()}, node ${process.version}, ${String(os.availableParallelism())} CPUs, load ${load0.map((l) => l.toFixed(1)).join(' ')} -> ${load1.map((l) => l.toFixed(1)).join(' ')}, ${String(RUNS)} rounds`,
    `| measurement | figure (median) | ratio wall | ratio CPU | target |`,
    `| --- | --- | ---: | ---: | --- |`,
    ...rows.map((r) => `| ${r.measurement} | ${r.figure} | ${ratio(r.wall)} | ${ratio(r.cpu)} | ${r.target} |`),
    '',
  ].join('\n'),
);

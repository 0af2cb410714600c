// bench/audit: `swarmlint audit` end to end against a replayed 1,000-node / 10,000-service / 50,000-task swarm.
// The answers are scaled from answers recorded from the real lab (bench/audit-cluster.ts) and served on a unix
// socket by bench/audit-replay.ts; the real CLI (`node dist/cli/main.js audit`, DOCKER_HOST=unix://…) runs as
// a child under /usr/bin/time -v, so the Engine API client, HTTP, JSON parsing, the rules and the report are all measured.
// A benchmark, not a test: it prints the figures, writes them to bench/results/ and exits 0 unless something
// could not be measured (or, with --check, unless both targets are met). See bench/README.md.
//
//   npm run bench:audit -- [--runs N] [--nodes N] [--services N] [--tasks N] [--no-build] [--check] [--hold]
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scaleCluster } from './audit-cluster.js';
import { ANSWER_NAMES, readScenario, serveEngineApi, type AnswerName } from './audit-replay.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench/results');
const TARGETS = { wallSeconds: 3, peakRssMiB: 300 };

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    nodes: { type: 'string', default: '1000' },
    services: { type: 'string', default: '10000' },
    tasks: { type: 'string', default: '50000' },
    'no-build': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    /** Serve the cluster and wait (Ctrl-C), for profiling the CLI by hand. */
    hold: { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
const SIZE = { nodes: Number(opts.nodes), services: Number(opts.services), tasks: Number(opts.tasks) };
if (!Number.isInteger(RUNS) || RUNS < 1) die('--runs must be 1 or more');
if (!Object.values(SIZE).every((n) => Number.isInteger(n) && n > 0)) die('--nodes, --services and --tasks must be positive integers');

function die(message: string): never {
  process.stderr.write(`bench/audit: ${message}\n`);
  process.exit(2);
}

const log = (message: string): void => {
  process.stderr.write(`${message}\n`);
};

if (!opts['no-build']) {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) die(`npm run build failed (exit ${String(r.status ?? r.signal)})`);
}

// --- the cluster, rendered once ----------------------------------------------------------------------------

let t0 = performance.now();
const answers = scaleCluster(readScenario(join(ROOT, 'fixtures/engine-api/healthy-3-nodes')), SIZE);
const bodies: Partial<Record<AnswerName, Buffer>> = {};
for (const name of ANSWER_NAMES) bodies[name] = Buffer.from(JSON.stringify(answers[name]));
const bytes = Object.fromEntries(ANSWER_NAMES.map((n) => [n, bodies[n]?.length ?? 0]));
log(
  `cluster: ${String(SIZE.nodes)} nodes, ${String((answers.services as unknown[]).length)} services, ${String((answers.tasks as unknown[]).length)} tasks, ` +
    `${String((answers.networks as unknown[]).length)} networks; answers ${(Object.values(bytes).reduce((a, b) => a + b, 0) / 2 ** 20).toFixed(1)} MiB ` +
    `(tasks ${((bytes.tasks ?? 0) / 2 ** 20).toFixed(1)} MiB), made in ${(performance.now() - t0).toFixed(0)} ms`,
);

const dir = mkdtempSync(join(os.tmpdir(), 'swarmlint-bench-audit-'));
const socketPath = join(dir, 'engine.sock');
const replay = await serveEngineApi(socketPath, { answers, bodies });
if (opts.hold) {
  log(`serving: DOCKER_HOST=unix://${socketPath} node dist/cli/main.js audit   (Ctrl-C stops)`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await replay.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

interface Run {
  wallSeconds: number;
  peakRssMiB: number;
  userSeconds: number;
  systemSeconds: number;
  exitCode: number | null;
  requests: string[];
  findings: number;
}

function timeV(stderr: string, label: string): string {
  const m = new RegExp(`^\\s*${label}: (.*)$`, 'm').exec(stderr);
  if (!m?.[1]) die(`/usr/bin/time -v printed no "${label}"`);
  return m[1];
}

async function runOnce(): Promise<Run> {
  const before = replay.requests.length;
  const out = join(dir, 'report.json');
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-v', process.execPath, join(ROOT, 'dist/cli/main.js'), 'audit', '-f', 'json', '-o', out], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_HOST: `unix://${socketPath}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  child.stdout.resume();
  await new Promise<void>((resolve) => {
    child.on('close', () => {
      resolve();
    });
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const status = Number(timeV(stderr, 'Exit status'));
  if (status > 1) die(`swarmlint audit exited ${String(status)}:\n${stderr}`);
  const report = JSON.parse(readFileSync(out, 'utf8')) as { findings: unknown[] };
  return {
    wallSeconds,
    peakRssMiB: Number(timeV(stderr, 'Maximum resident set size \\(kbytes\\)')) / 1024,
    userSeconds: Number(timeV(stderr, 'User time \\(seconds\\)')),
    systemSeconds: Number(timeV(stderr, 'System time \\(seconds\\)')),
    exitCode: status,
    requests: replay.requests.slice(before),
    findings: report.findings.length,
  };
}

const runs: Run[] = [];
try {
  for (let i = 0; i < RUNS; i++) {
    t0 = performance.now();
    const run = await runOnce();
    runs.push(run);
    log(
      `run ${String(i + 1)}: ${run.wallSeconds.toFixed(2)} s wall, ${run.peakRssMiB.toFixed(0)} MiB peak RSS, ` +
        `${run.userSeconds.toFixed(2)} s user + ${run.systemSeconds.toFixed(2)} s sys, exit ${String(run.exitCode)}, ` +
        `${String(run.requests.length)} requests, ${String(run.findings)} findings`,
    );
  }
} finally {
  await replay.close();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const requests = runs[0]?.requests ?? [];
const summary = {
  wallSecondsMedian: median(runs.map((r) => r.wallSeconds)),
  wallSecondsMax: Math.max(...runs.map((r) => r.wallSeconds)),
  peakRssMiBMax: Math.max(...runs.map((r) => r.peakRssMiB)),
  requestsPerRun: requests.length,
  allGet: runs.every((r) => r.requests.every((line) => line.startsWith('GET '))),
};
const met = summary.wallSecondsMax <= TARGETS.wallSeconds && summary.peakRssMiBMax <= TARGETS.peakRssMiB;
const result = {
  benchmark: 'audit',
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    memMiB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    // Other work on the machine shows in wall time: the load averages when the runs ended.
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  },
  cluster: { ...SIZE, networks: (answers.networks as unknown[]).length, answerBytes: bytes },
  targets: TARGETS,
  summary,
  met,
  requests,
  runs: runs.map((r) => ({ ...r, requests: r.requests.length })),
};
mkdirSync(RESULTS, { recursive: true });
const file = join(RESULTS, `audit-${result.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);

process.stdout.write(
  [
    `swarmlint audit, ${String(SIZE.nodes)} nodes / ${String(SIZE.services)} services / ${String(SIZE.tasks)} tasks, ${String(RUNS)} runs:`,
    `  wall time   median ${summary.wallSecondsMedian.toFixed(2)} s, max ${summary.wallSecondsMax.toFixed(2)} s (target ≤ ${String(TARGETS.wallSeconds)} s)`,
    `  peak RSS    max ${summary.peakRssMiBMax.toFixed(0)} MiB (target ≤ ${String(TARGETS.peakRssMiB)} MiB)`,
    `  API requests per run: ${String(summary.requestsPerRun)}, ${summary.allGet ? 'all GET' : 'NOT ALL GET'}: ${requests.join(', ')}`,
    `  ${met ? 'targets met' : 'targets MISSED'}; results in ${file}`,
    '',
  ].join('\n'),
);
if (opts.check && !met) process.exitCode = 1;

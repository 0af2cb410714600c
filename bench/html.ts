// bench/html: the `--format html` page of the 1,000-node bench cluster (bench/audit-cluster.ts, scaled from answers
// recorded on the lab), written by the built CLI and opened in headless Chromium: the page's weight and the time
// from navigation start to the end of its load event, as the page itself measures it (median of the runs), next to
// the same browser loading the audit's JSON report as text (the floor of what any page of this run costs).
// Targets (issue 14): ≤ 5 MB and ≤ 2 s. A benchmark, not a test: it prints and exits 0 (--check: 1 when a target
// is missed).
//
//   npm run bench:html -- [--runs N] [--nodes N] [--services N] [--tasks N] [--no-build] [--check]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { withPage } from '../test/helpers/browser.js';
import { scaleCluster } from './audit-cluster.js';
import { readScenario, serveEngineApi } from './audit-replay.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TARGETS = { megabytes: 5, seconds: 2 };

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    nodes: { type: 'string', default: '1000' },
    services: { type: 'string', default: '10000' },
    tasks: { type: 'string', default: '50000' },
    'no-build': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
const SIZE = { nodes: Number(opts.nodes), services: Number(opts.services), tasks: Number(opts.tasks) };

if (!opts['no-build']) {
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm run build failed');
}

const dir = mkdtempSync(join(os.tmpdir(), 'swl-bench-html-'));
const replay = await serveEngineApi(join(dir, 'engine.sock'), {
  answers: scaleCluster(readScenario(join(ROOT, 'fixtures/engine-api/healthy-3-nodes')), SIZE),
});

function audit(format: string, out: string): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), 'audit', '-f', format, '-o', out], {
      env: { ...process.env, DOCKER_HOST: `unix://${replay.socketPath}`, DOCKER_CONTEXT: '' },
      stdio: 'inherit',
    });
    child.on('close', resolve);
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

try {
  const page = join(dir, 'audit.html');
  const json = join(dir, 'audit.json');
  await audit('html', page);
  await audit('json', json);
  const pageBytes = statSync(page).size;
  const jsonBytes = statSync(json).size;
  const pageMs: number[] = [];
  const jsonMs: number[] = [];
  let requests = 0;
  let errors = 0;
  for (let i = 0; i < RUNS; i++) {
    // Side by side: the page, then the JSON report as text, in fresh browsers.
    await withPage(pathToFileURL(page).href, async (p) => {
      pageMs.push(p.loadMs);
      requests += p.requests.length;
      errors += p.errors.length;
      await Promise.resolve();
    });
    await withPage(pathToFileURL(json).href, async (p) => {
      jsonMs.push(p.loadMs);
      await Promise.resolve();
    });
  }
  const mb = pageBytes / 1e6;
  const seconds = median(pageMs) / 1000;
  const rows = [
    ['cluster', `${String(SIZE.nodes)} nodes, ${String(SIZE.services)} services, ${String(SIZE.tasks)} tasks`],
    ['page weight', `${mb.toFixed(2)} MB (target ≤ ${String(TARGETS.megabytes)} MB); JSON report ${(jsonBytes / 1e6).toFixed(2)} MB`],
    [
      'load in Chromium',
      `median ${seconds.toFixed(3)} s of ${String(RUNS)} (target ≤ ${String(TARGETS.seconds)} s); the JSON report as text ${(median(jsonMs) / 1000).toFixed(3)} s; ratio ${(median(pageMs) / median(jsonMs)).toFixed(2)}×`,
    ],
    ['requests, errors', `${String(requests)}, ${String(errors)}`],
    [
      'machine',
      `${String(os.cpus().length)} CPUs, load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    ],
  ];
  for (const [k, v] of rows) process.stdout.write(`${(k ?? '').padEnd(18)} ${v ?? ''}\n`);
  if (opts.check && (mb > TARGETS.megabytes || seconds > TARGETS.seconds || requests > 0 || errors > 0)) process.exitCode = 1;
} finally {
  await replay.close();
  if (process.env.SWARMLINT_BENCH_KEEP) process.stderr.write(`kept ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
}

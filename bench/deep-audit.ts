// `npm run bench:deep -- [--nodes 3,5,7] [--runs 3] [--encrypted] [--sample K]`: wall time of `swarmlint audit
// --deep` on a lab of N nodes for each N given (root, the lab's prerequisites), with the real probe image (npm run
// image:offline, docker-loaded on every node). Each run is the built CLI as a user runs it, from leftovers check to
// removal, with --debug so that its phases are timed as its lines arrive: created (networks and services made),
// tasks (every task ended), logs (results read), removed. The time until nothing of the run remains on any node is
// measured apart, and the load average at the start of each run is printed (the machine is shared).
// With three sizes or more, it fits time = a + b × pairs on the first two and predicts the others.
// A benchmark, not a test: CI does not run it. Results also go to bench/results/deep-<date>.json.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { buildDeepImage, up, waitFor, type Lab } from '../lab/index.js';
import { DEEP_IMAGE } from '../probes/deep/image.js';
import { writeFileAtomically } from '../engine/write-file.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    encrypted: { type: 'boolean', default: false },
    sample: { type: 'string' },
  },
});
const sizes = values.nodes.split(',').map(Number);
const runs = Number(values.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 2 || n > 9)) throw new Error('--nodes: sizes from 2 to 9 (the lab has at most 9)');

interface Run {
  nodes: number;
  pairs: number;
  exit: number | null;
  /** ms from the start: services created, every task ended, results read, the run's end; nothing left anywhere. */
  created: number;
  tasks: number;
  logs: number;
  total: number;
  clean: number;
  load: string;
  verdicts: Record<string, number>;
}

async function leftovers(lab: Lab): Promise<number> {
  let n = (await lab.node(1).docker.listServices({ filters: { label: ['io.swarmlint.deep'] } })).length;
  for (const node of lab.nodes) n += (await node.docker.listContainers({ all: true, filters: { label: ['io.swarmlint.deep'] } })).length;
  return n;
}

/** The CLI with --debug; each stderr line timed as it arrives. */
function timedRun(args: string[], env: Record<string, string>): Promise<{ exit: number | null; lines: [number, string][]; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist/cli/main.js'), ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const lines: [number, string][] = [];
    let pending = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) lines.push([Date.now() - started, line]);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ exit: code, lines, ms: Date.now() - started });
    });
  });
}

const at = (lines: [number, string][], pattern: RegExp): number => lines.find(([, l]) => pattern.test(l))?.[0] ?? Number.NaN;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

const dist = join(ROOT, 'dist/cli/main.js');
if (!statSync(dist, { throwIfNoEntry: false })) {
  process.stderr.write('dist/ is missing: npm run build first\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'swarmlint-bench-deep-'));
const archive = join(dir, 'deep.tar');
buildDeepImage(archive);
const all: Run[] = [];
try {
  for (const nodes of sizes) {
    const began = Date.now();
    const lab = await up({ nodes, managers: 1 });
    try {
      await lab.loadImage(archive, DEEP_IMAGE);
      process.stdout.write(`lab of ${String(nodes)} nodes up, image loaded: ${String(Date.now() - began)} ms\n`);
      const k = values.sample === undefined ? nodes - 1 : Math.min(Number(values.sample), nodes - 1);
      for (let i = 0; i < runs; i++) {
        const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
        const facts = join(dir, `facts-${String(nodes)}-${String(i)}.json`);
        const args = ['audit', '--deep', '--debug', '--deep-deadline', '30', '-f', 'json', '--save-facts', facts];
        if (!values.encrypted) args.push('--deep-no-encrypted');
        if (values.sample !== undefined) args.push('--deep-sample', values.sample);
        const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_HOST: `unix://${lab.node(1).socketPath}` };
        const r = await timedRun(args, env);
        const started = Date.now() - r.ms;
        await waitFor(
          'nothing of the run left',
          async () => ((await leftovers(lab)) === 0 ? { done: true, value: 0 } : { done: false, seen: 'objects left' }),
          { timeoutMs: 60_000, intervalMs: 250 },
        );
        const verdicts: Record<string, number> = {};
        try {
          const mesh = (JSON.parse(readFileSync(facts, 'utf8')) as { mesh?: { pairs: { verdict: string }[] } }).mesh;
          for (const p of mesh?.pairs ?? []) verdicts[p.verdict] = (verdicts[p.verdict] ?? 0) + 1;
        } catch {
          // no facts: the verdicts stay empty, the exit says why
        }
        const run: Run = {
          nodes,
          pairs: nodes * k,
          exit: r.exit,
          created: at(r.lines, /^deep: creating service .*-host$/),
          tasks: at(r.lines, /^deep: tasks: /),
          logs: at(r.lines, /^deep: removing what run/),
          total: r.ms,
          clean: Date.now() - started,
          load,
          verdicts,
        };
        all.push(run);
        process.stdout.write(
          `${String(nodes)} nodes, run ${String(i + 1)}: exit ${String(r.exit)}, ${String(r.ms)} ms (services made ${String(run.created)}, tasks ended ${String(run.tasks)}, results read ${String(run.logs)}; nothing left after ${String(run.clean)} ms), load ${load}, pairs ${JSON.stringify(verdicts)}\n`,
        );
      }
    } finally {
      await lab.down();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const bySize = sizes.map((nodes) => {
  const mine = all.filter((r) => r.nodes === nodes);
  return {
    nodes,
    pairs: mine[0]?.pairs ?? 0,
    total: median(mine.map((r) => r.total)),
    tasks: median(mine.map((r) => r.tasks - r.created)),
  };
});
process.stdout.write('\nnodes  pairs  median total  median tasks phase (services made → every task ended)\n');
for (const s of bySize)
  process.stdout.write(
    `${String(s.nodes).padStart(5)}  ${String(s.pairs).padStart(5)}  ${String(s.total).padStart(9)} ms  ${String(s.tasks).padStart(9)} ms\n`,
  );
if (bySize.length >= 3) {
  const [a, b] = bySize as [(typeof bySize)[0], (typeof bySize)[0]];
  for (const key of ['total', 'tasks'] as const) {
    const perPair = (b[key] - a[key]) / (b.pairs - a.pairs);
    const fixed = a[key] - perPair * a.pairs;
    process.stdout.write(
      `\n${key}: fit on ${String(a.nodes)} and ${String(b.nodes)} nodes: ${fixed.toFixed(0)} ms + ${perPair.toFixed(1)} ms per pair\n`,
    );
    for (const s of bySize.slice(2)) {
      const predicted = fixed + perPair * s.pairs;
      process.stdout.write(
        `  ${String(s.nodes)} nodes: predicted ${predicted.toFixed(0)} ms, measured ${String(s[key])} ms (${(((s[key] - predicted) / predicted) * 100).toFixed(0)} %)\n`,
      );
    }
  }
}
const resultsDir = join(ROOT, 'bench/results');
mkdirSync(resultsDir, { recursive: true });
const out = join(resultsDir, `deep-${new Date().toISOString().slice(0, 16).replace(/:/g, '')}.json`);
writeFileAtomically(out, `${JSON.stringify({ sizes, runs, encrypted: values.encrypted, sample: values.sample ?? null, all }, null, 2)}\n`);
process.stdout.write(`\nresults: ${out}\n`);

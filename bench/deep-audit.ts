// `npm run bench:deep -- [--nodes 3] [--runs 3] [--encrypted]`: wall time of `swarmlint audit --deep` on a lab of N
// nodes (root, the lab's prerequisites), with the real probe image (npm run image:offline, docker-loaded on every
// node). Each run is the built CLI as a user runs it, from leftovers check to removal; the time until nothing of the
// run remains on any node is measured apart. A benchmark, not a test: CI does not run it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { up, waitFor, type Lab } from '../lab/index.js';
import { DEEP_IMAGE } from '../probes/deep/image.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    encrypted: { type: 'boolean', default: false },
  },
});
const nodes = Number(values.nodes);
const runs = Number(values.runs);

async function leftovers(lab: Lab): Promise<number> {
  let n = (await lab.node(1).docker.listServices({ filters: { label: ['io.swarmlint.deep'] } })).length;
  for (const node of lab.nodes) n += (await node.docker.listContainers({ all: true, filters: { label: ['io.swarmlint.deep'] } })).length;
  return n;
}

const dist = join(ROOT, 'dist/cli/main.js');
if (!statSync(dist, { throwIfNoEntry: false })) {
  process.stderr.write('dist/ is missing: npm run build first\n');
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), 'swarmlint-bench-deep-'));
const archive = join(dir, 'deep.tar');
const built = spawnSync(
  'env',
  ['-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, process.execPath, 'scripts/image-offline.mjs', '-o', archive],
  {
    cwd: ROOT,
    encoding: 'utf8',
  },
);
if (built.status !== 0) throw new Error(`image-offline: ${built.stderr}`);
const began = Date.now();
const lab = await up({ nodes, managers: 1 });
try {
  await lab.loadImage(archive, DEEP_IMAGE);
  process.stdout.write(`lab of ${String(nodes)} nodes up, image loaded: ${String(Date.now() - began)} ms\n`);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = Date.now();
    const r = spawnSync(
      process.execPath,
      [dist, 'audit', '--deep', ...(values.encrypted ? [] : ['--deep-no-encrypted']), '--deep-deadline', '30', '-f', 'json'],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, DOCKER_HOST: `unix://${lab.node(1).socketPath}` }, encoding: 'utf8' },
    );
    const ms = Date.now() - started;
    await waitFor(
      'nothing of the run left',
      async () => ((await leftovers(lab)) === 0 ? { done: true, value: 0 } : { done: false, seen: 'objects left' }),
      { timeoutMs: 60_000, intervalMs: 250 },
    );
    const clean = Date.now() - started;
    times.push(ms);
    process.stdout.write(
      `run ${String(i + 1)}: exit ${String(r.status)}, ${String(ms)} ms (nothing left on any node after ${String(clean)} ms)\n`,
    );
  }
  const sorted = [...times].sort((a, b) => a - b);
  process.stdout.write(
    `${String(nodes)} nodes, ${String(nodes * (nodes - 1))} ordered pairs per overlay: median ${String(sorted[Math.floor(sorted.length / 2)])} ms, min ${String(sorted[0])} ms, max ${String(sorted.at(-1))} ms\n`,
  );
} finally {
  await lab.down();
  rmSync(dir, { recursive: true, force: true });
}

// bench/paired: node processes timed side by side, round after round in rotating order (bench/runner.ts), with
// medians of wall and CPU time and each one's ratio to the first: to compare two builds (a copy of main built in
// another folder, and this one) on a machine shared with other work. A benchmark, not a test.
//
//   npm run bench:paired -- [--runs N] -- '-e 0' 'OTHER/dist/cli/main.js lint examples/docker-stack.yml' 'dist/cli/main.js lint examples/docker-stack.yml'
//
// Each contender is the arguments of `node`, split at spaces, run in the repository folder; exit codes 0, 1 and 2
// count as done (a lint with findings, a file it could not load).
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exits, median, rounds } from './runner.js';

const { values: opts, positionals } = parseArgs({ options: { runs: { type: 'string', default: '9' } }, allowPositionals: true });
const RUNS = Number(opts.runs);
if (!Number.isInteger(RUNS) || RUNS < 1 || positionals.length === 0)
  throw new Error("usage: bench:paired -- [--runs N] -- 'node args' ...");
const contenders = positionals.map((p) => exits(p, p.split(' ').filter(Boolean), [0, 1, 2]));
const load0 = os.loadavg();
const { samples } = rounds(contenders, {
  runs: RUNS,
  warmup: 1,
  stdoutFile: join(os.tmpdir(), `swarmlint-paired-${String(process.pid)}.out`),
});
const load1 = os.loadavg();
const rows = contenders.map((c) => {
  const s = samples[c.name] ?? [];
  return { name: c.name, wall: median(s.map((x) => x.wall)), cpu: median(s.map((x) => x.cpu ?? Number.NaN)) };
});
const first = rows[0] as (typeof rows)[number];
process.stdout.write(
  [
    `bench/paired ${new Date().toISOString()}, node ${process.version}, load ${load0.map((l) => l.toFixed(1)).join(' ')} -> ${load1.map((l) => l.toFixed(1)).join(' ')}, ${String(RUNS)} rounds`,
    '| node … | wall | CPU | wall / first | CPU / first |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.wall.toFixed(3)} s | ${r.cpu.toFixed(2)} s | ${(r.wall / first.wall).toFixed(2)} | ${(r.cpu / first.cpu).toFixed(2)} |`,
    ),
    '',
  ].join('\n'),
);

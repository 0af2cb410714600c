// bench/all: `npm run bench`. Runs bench/speed.ts (one file, 1000 files, 16,000 findings, the JSON reader) and,
// when dclint is already installed in bench/.deps/ (or with --dclint, which installs it) and the shared corpus is
// there, bench/lint-corpus.ts; then prints one table of the ratios the targets are judged on, from the results
// each wrote to bench/results/.
//
//   npm run bench -- [--runs N] [--dclint] [--no-build]
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench/results');
const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    dclint: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});

/** Runs a bench script the way package.json does (tap's TypeScript loader, types not checked). */
function bench(script: string, args: string[]): void {
  const r = spawnSync(process.execPath, [...process.execArgv, join(ROOT, 'bench', script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
  });
  if (r.status !== 0) throw new Error(`bench/${script} failed (exit ${String(r.status ?? r.signal)})`);
}

/** The newest results file of a benchmark, written after `since`. */
function latest(name: string, since: number): Record<string, unknown> | undefined {
  if (!existsSync(RESULTS)) return undefined;
  const file = readdirSync(RESULTS)
    .filter((f) => f.startsWith(`${name}-`) && f.endsWith('.json'))
    .sort()
    .at(-1);
  if (!file) return undefined;
  const result = JSON.parse(readFileSync(join(RESULTS, file), 'utf8')) as Record<string, unknown>;
  return Date.parse(String(result.date)) >= since ? result : undefined;
}

const started = Date.now() - 1000;
const build = opts['no-build'] ? ['--no-build'] : [];
bench('speed.ts', ['--runs', opts.runs, ...build]);

// ../shared beside the main checkout; a worktree under ../wt/<name> finds it one level further up.
const corpus = [join(ROOT, '../shared/corpus/stacks'), join(ROOT, '../../shared/corpus/stacks')].find((d) => existsSync(d)) ?? '';
const dclintThere = existsSync(join(ROOT, 'bench/.deps/node_modules/dclint/package.json'));
if (corpus && (dclintThere || opts.dclint)) bench('lint-corpus.ts', ['--runs', opts.runs, '--corpus', corpus, '--no-build']);
else
  process.stderr.write(
    `lint-corpus (dclint) skipped: ${corpus ? 'dclint is not in bench/.deps (--dclint installs it)' : 'no shared corpus'}\n`,
  );

interface Row {
  measurement: string;
  figure: string;
  wall: number;
  cpu: number;
  target: string;
}
const rows: Row[] = [...((latest('speed', started)?.rows as Row[] | undefined) ?? [])];
const lint = latest('lint-corpus', started) as
  | { ratios: Record<string, { median: number }>; cpuRatios: Record<string, { median: number }> | null; corpus: { files: number } }
  | undefined;
if (lint) {
  rows.push(
    {
      measurement: `dclint / swarmlint, ${String(lint.corpus.files)} files`,
      figure: '',
      wall: lint.ratios.dclintOverSwarmlint?.median ?? Number.NaN,
      cpu: lint.cpuRatios?.dclintOverSwarmlint?.median ?? Number.NaN,
      target: '≥ 15×',
    },
    {
      measurement: 'swarmlint / parse floor',
      figure: '',
      wall: lint.ratios.swarmlintOverFloor?.median ?? Number.NaN,
      cpu: lint.cpuRatios?.swarmlintOverFloor?.median ?? Number.NaN,
      target: '≤ 2×',
    },
  );
}
const ratio = (x: number | null): string => (x === null || Number.isNaN(x) ? '' : x.toFixed(2));
process.stdout.write(
  [
    '',
    `npm run bench: ${new Date().toISOString()}, node ${process.version}, ${String(os.availableParallelism())} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    '| measurement | figure (median) | ratio wall | ratio CPU | target |',
    '| --- | --- | ---: | ---: | --- |',
    ...rows.map((r) => `| ${r.measurement} | ${r.figure} | ${ratio(r.wall)} | ${ratio(r.cpu)} | ${r.target} |`),
    '',
  ].join('\n'),
);

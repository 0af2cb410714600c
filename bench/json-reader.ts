// bench/json-reader: the facts loader's JSON reader (`readJson`), the positioned tree it replaced (`parseJson`,
// still what gives the errors) and `JSON.parse`, on the 6.9 MB of audit facts bench/speed.ts reads, in this process:
// round after round in rotating order (one warm-up round), medians of wall clock and of this process's CPU time.
// A benchmark, not a test.
//
//   npm run bench:json -- [--runs N] [--no-build]
//
// Run by `npm run bench:json`, node has --expose-gc and the heap is collected before each call, so no contender
// pays for the garbage of the one before it (parseJson leaves about 150 MB); without it (`--no-gc`) the figures
// also swing with where the collections fall.
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { auditFacts } from './audit-facts.js';
import { ensureBuilt, median, ROOT } from './runner.js';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    'no-build': { type: 'boolean', default: false },
    'no-gc': { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be 1 or more');
ensureBuilt(opts['no-build']);

const { parseJson, readJson } = (await import(
  pathToFileURL(join(ROOT, 'dist/language/loader/json.js')).href
)) as typeof import('../language/loader/json.js');
const { defaultLimits } = (await import(
  pathToFileURL(join(ROOT, 'dist/language/loader/limits.js')).href
)) as typeof import('../language/loader/limits.js');
const gc = opts['no-gc'] ? undefined : (globalThis as { gc?: () => void }).gc;

const text = auditFacts();
const contenders: [string, () => unknown][] = [
  ['JSON.parse', () => JSON.parse(text) as unknown],
  ['parseJson', () => parseJson(text, 'facts.json', defaultLimits)],
  ['readJson', () => readJson(text, 'facts.json', defaultLimits)],
];
const wall = new Map(contenders.map(([name]) => [name, [] as number[]]));
const cpu = new Map(contenders.map(([name]) => [name, [] as number[]]));
const load0 = os.loadavg();
for (let r = 0; r <= RUNS; r++) {
  for (let k = 0; k < contenders.length; k++) {
    const [name, read] = contenders[(r + k) % contenders.length] as [string, () => unknown];
    gc?.();
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    read();
    const w = Number(process.hrtime.bigint() - t0) / 1e6;
    const c1 = process.cpuUsage(c0);
    if (r === 0) continue;
    wall.get(name)?.push(w);
    cpu.get(name)?.push((c1.user + c1.system) / 1000);
  }
}
const load1 = os.loadavg();
const m = (xs: Map<string, number[]>, name: string): number => median(xs.get(name) ?? []);
process.stdout.write(
  [
    `bench/json-reader ${new Date().toISOString()}, node ${process.version}, ${(text.length / 1e6).toFixed(1)} MB, load ${load0.map((l) => l.toFixed(1)).join(' ')} -> ${load1.map((l) => l.toFixed(1)).join(' ')}, ${String(RUNS)} rounds, heap collected before each call: ${gc ? 'yes' : 'no'}`,
    '| reader | wall (median) | CPU (median) | wall / JSON.parse | CPU / JSON.parse |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...contenders.map(
      ([name]) =>
        `| ${name} | ${m(wall, name).toFixed(1)} ms | ${m(cpu, name).toFixed(1)} ms | ${(m(wall, name) / m(wall, 'JSON.parse')).toFixed(2)} | ${(m(cpu, name) / m(cpu, 'JSON.parse')).toFixed(2)} |`,
    ),
    '',
  ].join('\n'),
);

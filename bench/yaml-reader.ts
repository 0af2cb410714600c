// bench/yaml-reader: the stack-file YAML reader as a CLI run uses it (`parseYaml`: the fast path of
// language/loader/yaml-fast.ts, the full reader where it gives up) against the full reader alone (`yaml`'s parser
// and composer, then the converter: `parseYamlFully`), over a folder of stack files. A benchmark, not a test.
//
//   npm run bench:yaml -- [--runs N] [--corpus DIR] [--no-build]
//
// Cold: each round starts one `node` per reader, in rotating order, which loads the built module, reads every file
// once and reports the time of that loop alone (what one `swarmlint lint` of the folder spends reading YAML, JIT
// warm-up included). Warm: the same loop repeated in this process until it is compiled, medians of the last
// rounds. The corpus is ../shared/corpus/stacks when it is there, else fixtures/corpus.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureBuilt, log, median, ROOT } from './runner.js';

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '15' },
    corpus: {
      type: 'string',
      default: [join(ROOT, '../shared/corpus/stacks'), join(ROOT, '../../shared/corpus/stacks'), join(ROOT, 'fixtures/corpus')].find((d) =>
        existsSync(d),
      ),
    },
    'no-build': { type: 'boolean', default: false },
  },
});
const RUNS = Number(opts.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error('--runs must be 1 or more');
const corpus = opts.corpus ?? '';
const files = readdirSync(corpus)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => join(corpus, f));
if (files.length === 0) throw new Error(`no .yml or .yaml files in ${corpus}`);
ensureBuilt(opts['no-build']);

const YAML = pathToFileURL(join(ROOT, 'dist/language/loader/yaml.js')).href;
const FAST = pathToFileURL(join(ROOT, 'dist/language/loader/yaml-fast.js')).href;
const LIMITS = pathToFileURL(join(ROOT, 'dist/language/loader/limits.js')).href;

/** The script one cold round runs: read the files, then time one pass of the reader over them. */
function script(reader: 'parseYaml' | 'parseYamlFully'): string {
  return `
const { ${reader}: read } = await import(${JSON.stringify(YAML)});
const { fastParseYaml } = await import(${JSON.stringify(FAST)});
const { defaultLimits } = await import(${JSON.stringify(LIMITS)});
const { readFileSync } = await import('node:fs');
const files = ${JSON.stringify(files)};
const texts = files.map((f) => readFileSync(f, 'utf8'));
const t0 = process.hrtime.bigint();
let failed = 0;
for (let i = 0; i < texts.length; i++) {
  try { read(texts[i], files[i], 0, defaultLimits); } catch { failed++; }
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
const fast = ${reader === 'parseYaml' ? 'texts.filter((t) => { try { return fastParseYaml(t, "f", 0, defaultLimits, "v3") !== undefined; } catch { return true; } }).length' : '0'};
process.stdout.write(JSON.stringify({ ms, failed, fast }));
`;
}

type Round = { ms: number; failed: number; fast: number };
const contenders = ['parseYaml', 'parseYamlFully'] as const;
const cold = new Map<string, Round[]>(contenders.map((c) => [c, []]));
const load0 = os.loadavg();
log(`bench/yaml-reader: ${String(files.length)} files from ${corpus}, ${String(RUNS)} cold rounds …`);
for (let r = 0; r <= RUNS; r++) {
  for (let k = 0; k < contenders.length; k++) {
    const name = contenders[(r + k) % contenders.length] ?? 'parseYaml';
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script(name)], { encoding: 'utf8', timeout: 120_000 });
    if (r > 0) cold.get(name)?.push(JSON.parse(out) as Round);
  }
}

// Warm: both readers in this process, alternating, until compiled (the first rounds are left out).
const yaml = (await import(YAML)) as typeof import('../language/loader/yaml.js');
const { defaultLimits } = (await import(LIMITS)) as typeof import('../language/loader/limits.js');
const texts = files.map((f) => readFileSync(f, 'utf8'));
const warm = new Map<string, number[]>(contenders.map((c) => [c, []]));
for (let r = 0; r < 30; r++) {
  for (const name of contenders) {
    const read = yaml[name];
    const t0 = process.hrtime.bigint();
    texts.forEach((text, i) => {
      try {
        read(text, files[i] ?? '', 0, defaultLimits);
      } catch {
        // a file the readers refuse: both refuse it, and the time counts
      }
    });
    if (r >= 10) warm.get(name)?.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const load1 = os.loadavg();

const coldMs = (name: string): number => median((cold.get(name) ?? []).map((x) => x.ms));
const warmMs = (name: string): number => median(warm.get(name) ?? []);
const first = cold.get('parseYaml')?.[0];
process.stdout.write(
  [
    `bench/yaml-reader ${new Date().toISOString()}, node ${process.version}, ${String(files.length)} files (${String(
      texts.reduce((n, t) => n + t.length, 0),
    )} characters), ${String(first?.fast ?? 0)} read by the fast path, ${String(first?.failed ?? 0)} refused by both, load ${load0
      .map((l) => l.toFixed(1))
      .join(' ')} -> ${load1.map((l) => l.toFixed(1)).join(' ')}, ${String(RUNS)} cold rounds`,
    '| reader | cold, one pass (median) | warm (median) |',
    '| --- | ---: | ---: |',
    ...contenders.map((name) => `| ${name} | ${coldMs(name).toFixed(1)} ms | ${warmMs(name).toFixed(1)} ms |`),
    `| parseYamlFully / parseYaml | ${(coldMs('parseYamlFully') / coldMs('parseYaml')).toFixed(2)}× | ${(warmMs('parseYamlFully') / warmMs('parseYaml')).toFixed(2)}× |`,
    '',
  ].join('\n'),
);

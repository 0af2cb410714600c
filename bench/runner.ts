// bench/runner: what bench/speed.ts and bench/lint-corpus.ts share: dist/ built when stale, whole-process timing
// of a child (wall clock, and CPU time of the child from /proc), contenders run round after round in rotating
// order so that a change in machine load falls on all of them alike, and medians.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const MAIN = join(ROOT, 'dist/cli/main.js');

export const log = (message: string): void => void process.stderr.write(`${message}\n`);

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** What `npm run build` reads. */
const BUILD_INPUTS = [
  'index.ts',
  'cli',
  'language',
  'engine',
  'rules',
  'probes',
  'reporters',
  'schemas',
  'scripts/copy-assets.mjs',
  'scripts/bundle-vendored.mjs',
  'tsconfig.json',
  'tsconfig.build.json',
];

/**
 * Builds dist/ when it is missing or older than anything the build reads; with `noBuild`, times dist/ as it is
 * (and says so when it is stale), or throws when it is missing.
 */
export function ensureBuilt(noBuild: boolean): void {
  const assets = join(ROOT, 'dist/language/generated/stack-schema-v3.13.cjs');
  const built = existsSync(MAIN) && existsSync(assets) ? statSync(MAIN).mtimeMs : 0;
  const newest = Math.max(...BUILD_INPUTS.map((p) => newestMtime(join(ROOT, p))));
  if (noBuild) {
    if (built === 0) throw new Error('dist/ is missing; run npm run build (or drop --no-build)');
    if (newest > built) log('note: dist/ is older than the sources; timing it as it is (--no-build)');
    return;
  }
  if (built >= newest) return;
  log(built === 0 ? 'dist/ is missing: npm run build' : 'dist/ is stale: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${String(r.status ?? r.signal)})`);
}

const getconf = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
const CLOCK_TICKS = getconf.status === 0 ? Number(getconf.stdout.trim()) : 100;

/**
 * CPU seconds (user + system) of this process's reaped children, from /proc (Linux; undefined elsewhere): the
 * difference around one spawnSync is that child's CPU time, to a clock tick (10 ms).
 */
export function childrenCpu(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command name field 3 is index 0, so cutime (16) and cstime (17) are 13 and 14.
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

export interface Contender {
  name: string;
  /** Arguments of `node` (the script first). */
  args: string[];
  /** Checks one run's exit code and output and says what was done; throws unless the work was really done. */
  verify: (status: number | null, stdout: string, stderr: string) => string;
}

export interface Sample {
  wall: number;
  cpu: number | undefined;
}

/** A contender that is done when it exits with one of `codes` (its output is not read). */
export function exits(name: string, args: string[], codes: number[]): Contender {
  return {
    name,
    args,
    verify(status, _stdout, stderr) {
      if (status === null || !codes.includes(status)) throw new Error(`${name}: exit ${String(status)}: ${stderr.slice(0, 2000)}`);
      return `exit ${String(status)}`;
    },
  };
}

/**
 * One run of a contender as its own `node` process in ROOT, stdout to `stdoutFile` (a pipe would let a process
 * that exits early lose output), NO_COLOR set.
 */
export function timeOnce(c: Contender, stdoutFile: string): Sample & { summary: string } {
  const fd = openSync(stdoutFile, 'w');
  const cpu0 = childrenCpu();
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, c.args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', fd, 'pipe'],
    maxBuffer: 1 << 28,
    env: { ...process.env, NO_COLOR: '1' },
  });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = childrenCpu();
  closeSync(fd);
  if (r.error) throw r.error;
  const summary = c.verify(r.status, readFileSync(stdoutFile, 'utf8'), r.stderr);
  return { wall, cpu: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0, summary };
}

/**
 * `warmup` untimed runs of each contender (the last one's summary kept), then `runs` rounds, each running every
 * contender once in an order rotated by one each round. Samples by contender name.
 */
export function rounds(
  contenders: readonly Contender[],
  options: { runs: number; warmup: number; stdoutFile: string; onRound?: (round: number, samples: Record<string, Sample[]>) => void },
): { samples: Record<string, Sample[]>; summaries: Record<string, string> } {
  const summaries: Record<string, string> = {};
  for (const c of contenders) {
    for (let i = 0; i < options.warmup; i++) summaries[c.name] = timeOnce(c, options.stdoutFile).summary;
    if (options.warmup === 0) summaries[c.name] = '(checked on the timed runs)';
  }
  const samples: Record<string, Sample[]> = Object.fromEntries(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < options.runs; round++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(round + k) % contenders.length] as Contender;
      const { wall, cpu } = timeOnce(c, options.stdoutFile);
      samples[c.name]?.push({ wall, cpu });
    }
    options.onRound?.(round, samples);
  }
  return { samples, summaries };
}

export interface Stats {
  min: number;
  median: number;
  mean: number;
  max: number;
  stdev: number;
}

export function stats(xs: readonly number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const mean = s.reduce((a, b) => a + b, 0) / n;
  const median = n % 2 ? (s[(n - 1) / 2] as number) : ((s[n / 2 - 1] as number) + (s[n / 2] as number)) / 2;
  const stdev = Math.sqrt(s.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, n - 1));
  return { min: s[0] as number, median, mean, max: s[n - 1] as number, stdev };
}

export const median = (xs: readonly number[]): number => stats(xs).median;

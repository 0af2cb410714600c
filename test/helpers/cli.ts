// Runs the CLI: in this process (`swarmlintInProcess`, cli/run.ts's main from the sources, with its own streams,
// input, environment and working folder), or the built CLI (`swarmlint`, dist/cli/main.js, what users run) as a
// child process, for what crosses the process boundary. The children run without tap's
// TypeScript loader and without coverage: the loader made each child about five times as slow (5.5 s against
// 1.1 s for one small file on the shared 2-CPU machine), and what these tests check is the process boundary
// (arguments, exit codes, stdout/stderr, files), not which lines ran. dist/ must be as new as the sources it
// is built from (`npm test` builds it first); a stale dist/ fails loudly instead of testing old code.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../cli/run.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MAIN = join(ROOT, 'dist/cli/main.js');
/** The CLI's source, for a child run with a TypeScript loader (`process.execArgv`), as the lab tests do. */
export const SOURCE_MAIN = join(ROOT, 'cli/main.ts');

const SOURCES = ['index.ts', 'cli', 'language', 'engine', 'rules', 'probes', 'reporters', 'schemas'];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

let checked = false;

/** Throws unless dist/ was built after the last change to anything the build reads. */
export function assertDistFresh(): void {
  if (checked) return;
  let built: number;
  try {
    built = statSync(MAIN).mtimeMs;
  } catch {
    throw new Error(`${MAIN} is missing: run \`npm run build\` (npm test does it first)`);
  }
  const source = Math.max(...SOURCES.map((s) => newest(join(ROOT, s))));
  if (source > built) throw new Error(`dist/ is older than the sources: run \`npm run build\` (npm test does it first)`);
  checked = true;
}

/**
 * The environment of a CLI child: this one, without colour settings, coverage, or tap's process tracking (its
 * `--import` in NODE_OPTIONS costs a child about 0.5 s here).
 */
export function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const options = (process.env.NODE_OPTIONS ?? '')
    .split(/\s+/)
    .filter((o) => o !== '' && !o.includes('@tapjs/processinfo'))
    .join(' ');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: undefined,
    FORCE_COLOR: undefined,
    NODE_OPTIONS: options === '' ? undefined : options,
    _TAPJS_PROCESSINFO_COVERAGE_: '0',
  };
  for (const [k, v] of Object.entries(extra)) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) Reflect.deleteProperty(env, k);
  return env;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  /** Text for standard input (otherwise it is closed at once). */
  input?: string;
  /** Added to the environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /**
   * Run the child with this process's TypeScript loader (`typescriptArgv()`): for a config that loads a `.ts` plugin.
   * In this process (`swarmlintInProcess`) the loader is there already.
   */
  typescript?: boolean;
  /**
   * Run the child as this user (and group of the same id): root may write where another user may not. It runs
   * without NODE_OPTIONS, so that tap's process tracking (its spawn puts it back) does not write its record as that
   * user where it may not.
   */
  uid?: number;
}

/**
 * Node options that give a child this process's TypeScript loader: scripts/ts-loader.mjs alone when this process
 * runs under it (as under tap with `.taprc`), else all of `process.execArgv`. tap's other imports (process
 * tracking, its ts-node plugin) would cost the child about 0.6 s of CPU and change nothing it does.
 */
export function typescriptArgv(): string[] {
  const argv = process.execArgv;
  for (const [i, arg] of argv.entries()) {
    if (arg.startsWith('--import=') && arg.endsWith('/scripts/ts-loader.mjs')) return [arg];
    const next = argv[i + 1];
    if (arg === '--import' && next?.endsWith('/scripts/ts-loader.mjs')) return [arg, next];
  }
  return [...argv];
}

export function swarmlint(args: readonly string[], options: RunOptions): Promise<Run> {
  assertDistFresh();
  const env = childEnv(options.env);
  return new Promise((resolve, reject) => {
    // `--` before the script: Node takes a script argument named `--env-file` as its own option and exits 9 when
    // the file is missing (nodejs/node#54232); after `--` it leaves the script's arguments alone.
    const argv = [...(options.typescript ? typescriptArgv() : []), '--', MAIN, ...args];
    const { uid } = options;
    const child =
      uid === undefined
        ? spawn(process.execPath, argv, { cwd: options.cwd, env, stdio: 'pipe' })
        : spawn('/usr/bin/env', ['-u', 'NODE_OPTIONS', process.execPath, ...argv], { cwd: options.cwd, env, uid, gid: uid, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    // The CLI may stop reading before the end (input over the size limit).
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * The CLI's command run in this process, as `swarmlint()` runs it in a child: the same arguments, folder, input and
 * environment (`childEnv`), the same output and exit code, from the sources (no build needed) and without a Node
 * start (about 0.4 s of CPU a run). For what the command does; `swarmlint()` where the process is what is tested
 * (exit status of a real process, signals, standard input through a pipe, the built files).
 */
export async function swarmlintInProcess(args: readonly string[], options: RunOptions & { terminal?: boolean }): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    // A pipe, as for a child; `terminal`: standard output is a terminal (test/cli/conventions.ts has a real one too).
    stdout: { write: (text: string) => (stdout += text), isTTY: options.terminal === true },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    stdin: Buffer.from(options.input ?? ''),
    env: childEnv(options.env),
    cwd: options.cwd,
  });
  return { code, stdout, stderr };
}

/** A small stack file with one error (dnsrr-ingress-port, line 7) and one warning (swarm-ignored-key, line 5). */
export const TWO_PROBLEMS = `version: "3.8"
services:
  web:
    image: nginx:1.27
    container_name: web
    ports:
      - "80:80"
    deploy:
      endpoint_mode: dnsrr
`;

/** A stack file the recommended rules find nothing in. */
export const CLEAN = `version: "3.8"
services:
  web:
    image: nginx:1.27
    networks: [front]
networks:
  front:
    driver: overlay
`;

/** Only a warning (swarm-ignored-key, line 5). */
export const ONE_WARNING = `version: "3.8"
services:
  web:
    image: nginx:1.27
    container_name: web
`;

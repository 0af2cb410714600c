// Running external commands with a deadline: every command the lab runs goes through here, so nothing can hang.
import { spawn, spawnSync } from 'node:child_process';

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
}

export interface RunOptions {
  /** Kill the command (SIGKILL) after this many milliseconds. */
  readonly timeoutMs?: number;
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Called with each chunk of standard output as it arrives. */
  readonly onStdout?: (chunk: string) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs `file args…` and resolves with what it printed; never rejects for a non-zero exit, only reports it. */
export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? process.env,
      cwd: options.cwd,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    };
    child.on('error', (error: Error) => {
      stderr += error.message;
      finish(null, null);
    });
    child.on('close', finish);
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Like {@link run}, but rejects unless the command exits 0. */
export async function runOk(file: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const result = await run(file, args, options);
  if (result.code !== 0) throw new Error(describeFailure(file, args, result));
  return result.stdout;
}

/** The synchronous twin of {@link run}, for teardown in `exit` handlers where nothing asynchronous runs. */
export function runSync(file: string, args: readonly string[], options: RunOptions = {}): RunResult {
  const result = spawnSync(file, args, {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    input: options.input ?? '',
    env: options.env ?? process.env,
    cwd: options.cwd,
  });
  const timedOut = result.error !== undefined && 'code' in result.error && result.error.code === 'ETIMEDOUT';
  return {
    code: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr + (result.error && !timedOut ? result.error.message : ''),
    timedOut,
  };
}

export function describeFailure(file: string, args: readonly string[], result: RunResult): string {
  const how = result.timedOut ? 'timed out' : result.signal ? `died of ${result.signal}` : `exited ${String(result.code)}`;
  const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
  return `${[file, ...args].join(' ')} ${how}${said ? `: ${said}` : ''}`;
}

/** Sleeps without blocking the event loop. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sleeps and blocks the thread: only for synchronous teardown. */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

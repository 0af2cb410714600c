/**
 * Runs a host command for a probe: argument vector (no shell), a timeout, an AbortSignal, a cap on what it may
 * print. Never rejects: a missing command, a non-zero exit, a timeout and an abort are all in the result.
 */
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface CommandResult {
  /** Exit code; null when it did not exit by itself (timeout, abort, signal) or never started. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Not found on PATH (nor in /usr/sbin, /sbin). */
  missing: boolean;
  timedOut: boolean;
  aborted: boolean;
}

export interface CommandOptions {
  signal: AbortSignal;
  timeoutMs: number;
  /** Output beyond this is cut (and the command killed): 16 MiB by default. */
  maxBytes?: number;
}

/** Administration tools live in sbin, which a non-root PATH often lacks. */
function searchPath(): string {
  const path = process.env.PATH ?? '/usr/bin:/bin';
  return [path, '/usr/local/sbin', '/usr/sbin', '/sbin'].join(delimiter);
}

/**
 * Whether a command that failed to start with EACCES is really there. execvp reports EACCES, not ENOENT, when a
 * folder on PATH may not be searched (`/root/...` for nobody), even if the command is in none of them: then it is
 * missing, not forbidden. A file of that name in a folder that can be searched makes the EACCES real.
 */
export function foundOnPath(file: string, path: string): boolean {
  if (file.includes('/')) return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        return statSync(join(dir, file), { throwIfNoEntry: false })?.isFile() === true;
      } catch {
        return false; // a folder that may not be searched holds nothing we can run
      }
    });
}

export function runCommand(file: string, args: readonly string[], options: CommandOptions): Promise<CommandResult> {
  const maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve) => {
    const result: CommandResult = { code: null, stdout: '', stderr: '', missing: false, timedOut: false, aborted: false };
    if (options.signal.aborted) {
      resolve({ ...result, aborted: true });
      return;
    }
    // LC_ALL=C: the parsers read English, unlocalised output.
    const path = searchPath();
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: path, LC_ALL: 'C' } });
    let bytes = 0;
    let settled = false;
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => {
      result.timedOut = true;
      kill();
    }, options.timeoutMs);
    const onAbort = (): void => {
      result.aborted = true;
      kill();
    };
    options.signal.addEventListener('abort', onAbort, { once: true });
    const take = (key: 'stdout' | 'stderr') => (chunk: string) => {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        kill();
        return;
      }
      result[key] += chunk;
    };
    child.stdout.setEncoding('utf8').on('data', take('stdout'));
    child.stderr.setEncoding('utf8').on('data', take('stderr'));
    const finish = (code: number | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal.removeEventListener('abort', onAbort);
      resolve({ ...result, code: result.timedOut || result.aborted ? null : code });
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || (error.code === 'EACCES' && !foundOnPath(file, path))) result.missing = true;
      result.stderr += error.message;
      finish(null);
    });
    child.on('close', (code) => {
      finish(code);
    });
  });
}

/** Why a command did not give an answer, in words (for outcomes). */
export function commandFailure(file: string, result: CommandResult): string {
  if (result.missing) return `${file} is not installed`;
  if (result.timedOut) return `${file} timed out`;
  if (result.aborted) return `${file} was stopped at the deadline`;
  const said = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(0, 2).join(' ');
  return `${file} exited ${String(result.code)}${said ? `: ${said}` : ''}`;
}

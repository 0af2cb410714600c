import { chmodSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Every file swarmlint writes (fixed stack files, reports, saved facts, baselines) is written beside its target
 * and renamed into place, so a reader (node_exporter, the next cron run, an editor) never sees half of it. An
 * existing file keeps its mode, and a symlink stays a symlink: the file it points to is the one replaced. A
 * missing folder is created (`-o reports/swarmlint.sarif` in a fresh checkout), as ESLint's `-o` does.
 * Errors are thrown as they are (callers name the option); the temporary file is removed. A temporary file of the
 * same target left by a run that was killed (SIGKILL, power loss) is removed by the next write, once the process
 * named in it is gone.
 */
export function writeFileAtomically(path: string, text: string | Uint8Array): void {
  let target = path;
  let mode: number | undefined;
  try {
    target = realpathSync(path);
    mode = statSync(target).mode & 0o7777;
  } catch {
    // a new file: default mode
  }
  const tmp = `${target}.${String(process.pid)}.tmp`;
  if (mode === undefined) mkdirSync(dirname(target), { recursive: true });
  removeAbandoned(target);
  try {
    writeFileSync(tmp, text);
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** Whether a process with this id runs on this host (EPERM: it does, as another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The `*.tmp` files of each folder written to, listed once a run: a run that writes many files into one folder
 * (`--fix` over a folder of stacks) would otherwise read the folder again for each (2,000 files: about 1 ms a write).
 * A file left by a killed run is there before this run starts, so one listing sees it.
 */
const tmpFiles = new Map<string, string[]>();

/** Removes `<target>.<pid>.tmp` files whose process is gone; one that cannot be removed is left as it is. */
function removeAbandoned(target: string): void {
  const dir = dirname(target);
  let names = tmpFiles.get(dir);
  if (!names) {
    try {
      names = readdirSync(dir).filter((name) => name.endsWith('.tmp'));
    } catch {
      names = [];
    }
    tmpFiles.set(dir, names);
  }
  const prefix = `${basename(target)}.`;
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = name.slice(prefix.length, -'.tmp'.length);
    if (!/^[1-9]\d{0,9}$/.test(pid) || Number(pid) === process.pid || alive(Number(pid))) continue;
    rmSync(join(dir, name), { force: true });
  }
}

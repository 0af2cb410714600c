import { chmodSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

/**
 * Every file swarmlint writes (fixed stack files, reports, saved facts, baselines) is written beside its target
 * and renamed into place, so a reader (node_exporter, the next cron run, an editor) never sees half of it. An
 * existing file keeps its mode, and a symlink stays a symlink: the file it points to is the one replaced.
 * Errors are thrown as they are (callers name the option); the temporary file is removed.
 */
export function writeFileAtomically(path: string, text: string): void {
  let target = path;
  let mode: number | undefined;
  try {
    target = realpathSync(path);
    mode = statSync(target).mode & 0o7777;
  } catch {
    // a new file: default mode
  }
  const tmp = `${target}.${String(process.pid)}.tmp`;
  try {
    writeFileSync(tmp, text);
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

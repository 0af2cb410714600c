import { chmodSync, mkdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Every file swarmlint writes (fixed stack files, reports, saved facts, baselines) is written beside its target
 * and renamed into place, so a reader (node_exporter, the next cron run, an editor) never sees half of it. An
 * existing file keeps its mode, and a symlink stays a symlink: the file it points to is the one replaced. A
 * missing folder is created (`-o reports/swarmlint.sarif` in a fresh checkout), as ESLint's `-o` does.
 * Errors are thrown as they are (callers name the option); the temporary file is removed.
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
  try {
    writeFileSync(tmp, text);
    if (mode !== undefined) chmodSync(tmp, mode);
    renameSync(tmp, target);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

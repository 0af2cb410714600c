import { readFileSync, readSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { glob } from 'tinyglobby';
import type { FatalError } from '../engine/findings.js';
import { LoadError } from '../engine/loader/errors.js';
import type { LoadLimits } from '../engine/loader/limits.js';
import { decodeText, tooLarge } from '../engine/loader/text.js';

/** Files looked for in a folder: stack and compose files by their usual names. */
export const STACK_GLOBS = ['**/*stack*.{yml,yaml}', '**/*swarm*.{yml,yaml}', '**/docker-compose*.{yml,yaml}', '**/compose*.{yml,yaml}'];
const SKIP = ['**/node_modules/**', '**/.git/**'];

export const STDIN = '-';

export interface ReadFile {
  path: string;
  text: string;
  bom: boolean;
}

/**
 * Turns the command line's inputs into merge sets: every positional file (or each file a folder or glob
 * expands to) is its own set; the `-c` files form one set together, in order, as `docker stack deploy -c a
 * -c b` reads them; each `--merge a,b` is another set.
 */
export async function resolveInputs(
  positional: readonly string[],
  composeFiles: readonly string[],
  merges: readonly string[],
  cwd: string,
  ignores: readonly string[],
): Promise<{ sets: string[][]; errors: FatalError[] }> {
  const sets: string[][] = [];
  const errors: FatalError[] = [];
  const ignored =
    ignores.length > 0 ? new Set(await glob([...ignores], { cwd, absolute: true, dot: true, ignore: SKIP })) : new Set<string>();
  const keep = (p: string): boolean => !ignored.has(p);
  for (const arg of positional) {
    if (arg === STDIN) {
      sets.push([STDIN]);
      continue;
    }
    const path = resolve(cwd, arg);
    let kind: 'file' | 'dir' | undefined;
    try {
      const st = statSync(path);
      kind = st.isDirectory() ? 'dir' : 'file';
    } catch {
      kind = undefined;
    }
    if (kind === 'file') {
      if (keep(path)) sets.push([path]);
      continue;
    }
    const patterns = kind === 'dir' ? STACK_GLOBS.map((g) => `${relative(cwd, path).replace(/\\/g, '/') || '.'}/${g}`) : [arg];
    if (kind === undefined && !/[*?[\]{}]/.test(arg)) {
      errors.push({ kind: 'io', message: 'no such file or folder', file: path });
      continue;
    }
    const found = (await glob(patterns, { cwd, absolute: true, dot: false, ignore: SKIP })).sort().filter(keep);
    if (found.length === 0) {
      errors.push({
        kind: 'io',
        message: kind === 'dir' ? `no stack files in this folder (looked for ${STACK_GLOBS.join(', ')})` : `no files match ${arg}`,
        file: path,
      });
    }
    for (const f of found) sets.push([f]);
  }
  const set = (list: readonly string[]): string[] => list.map((f) => (f === STDIN ? STDIN : isAbsolute(f) ? f : resolve(cwd, f)));
  if (composeFiles.length > 0) sets.push(set(composeFiles));
  for (const m of merges) sets.push(set(m.split(',').filter(Boolean)));
  return { sets, errors };
}

function readStdin(max: number): Buffer {
  const chunks: Buffer[] = [];
  let size = 0;
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, buf);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((error as NodeJS.ErrnoException).code === 'EOF') break;
      throw error;
    }
    if (n === 0) break;
    size += n;
    if (size > max) {
      chunks.push(Buffer.from(buf.subarray(0, n)));
      break;
    }
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

/** Reads and decodes one input, or says why it cannot be linted (with file and position). */
export function readInput(path: string, limits: LoadLimits): ReadFile | FatalError {
  try {
    let bytes: Uint8Array;
    if (path === STDIN) bytes = readStdin(limits.maxFileBytes);
    else {
      const size = statSync(path).size;
      if (size > limits.maxFileBytes) throw tooLarge(size, path, limits);
      bytes = readFileSync(path);
    }
    const { text, bom } = decodeText(bytes, path === STDIN ? '<stdin>' : path, limits);
    return { path: path === STDIN ? '<stdin>' : path, text, bom };
  } catch (error) {
    if (error instanceof LoadError)
      return { kind: 'load', message: error.message, file: error.file, line: error.line, column: error.column };
    return { kind: 'io', message: (error as Error).message.replace(/^[A-Z]+: /, ''), file: path };
  }
}

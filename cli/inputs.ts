import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { looksLikeFacts } from '../language/loader/facts.js';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CONFIG_FILES, type DeclaredStack } from '../engine/config.js';
import { parseYaml, toJS } from '../language/loader/yaml.js';
import type { FatalError } from '../engine/findings.js';
import { LoadError } from '../language/loader/errors.js';
import type { LoadLimits } from '../language/loader/limits.js';
import { decodeText, tooLarge } from '../language/loader/text.js';
import { defaultLimits } from '../language/loader/limits.js';

/** Files looked for in a folder: stack and compose files by their usual names. */
export const STACK_GLOBS = ['**/*stack*.{yml,yaml}', '**/*swarm*.{yml,yaml}', '**/docker-compose*.{yml,yaml}', '**/compose*.{yml,yaml}'];
const SKIP = ['**/node_modules/**', '**/.git/**'];

export const STDIN = '-';

/** A file name STACK_GLOBS match (as picomatch reads them: case-sensitive, no name starting with a dot). */
const STACK_NAME = /^(?!\.)(?:.*(?:stack|swarm).*|docker-compose.*|compose.*)\.ya?ml$/s;

/**
 * The files of a folder that STACK_GLOBS match, less SKIP, as tinyglobby finds them (unsorted), read from the
 * folders themselves: loading tinyglobby and compiling its patterns costs more than reading a folder of stack
 * files. Undefined wherever the answer might not be tinyglobby's, which then decides: a symbolic link on the way
 * or inside, a folder that cannot be read, a `node_modules` folder, a path from the working folder that holds a
 * character a glob reads as syntax or a name starting with a dot, a folder above the working folder, Windows.
 */
export function stackFilesIn(folder: string, cwd: string): string[] | undefined {
  if (process.platform === 'win32') return undefined;
  const rel = relative(cwd, folder);
  if (!/^[\w./ -]*$/.test(rel) || /^\.\.(?:\/\.\.)*$/.test(rel)) return undefined;
  if (rel.split('/').some((s) => s === 'node_modules' || (s.startsWith('.') && s !== '..'))) return undefined;
  try {
    if (realpathSync(folder) !== folder) return undefined;
  } catch {
    return undefined;
  }
  const found: string[] = [];
  // tinyglobby reads each pattern as `…/*stack*.{yml,yaml}/**` (expandDirectories): a folder with a stack file's
  // name is taken with every file under it (`all`), whatever their names.
  const folders: { dir: string; all: boolean }[] = [{ dir: folder, all: false }];
  for (let next = folders.pop(); next !== undefined; next = folders.pop()) {
    const { dir, all } = next;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return undefined;
    }
    // `dir` is absolute and normalised and a name holds no `/`: joining them is adding a `/` (none after the root).
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const entry of entries) {
      const name = entry.name;
      if (entry.isFile()) {
        if (all ? !name.startsWith('.') : STACK_NAME.test(name)) found.push(prefix + name);
      } else if (entry.isDirectory()) {
        if (name === 'node_modules') return undefined;
        if (!name.startsWith('.')) folders.push({ dir: prefix + name, all: all || STACK_NAME.test(name) });
      } else if (entry.isSymbolicLink()) return undefined;
    }
  }
  return found;
}

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
): Promise<{ sets: string[][]; errors: FatalError[]; expanded: Set<string> }> {
  const sets: string[][] = [];
  const errors: FatalError[] = [];
  /** Files found in a folder or by a glob, not named. */
  const expanded = new Set<string>();
  const ignored =
    ignores.length > 0
      ? new Set(await (await import('tinyglobby')).glob([...ignores], { cwd, absolute: true, dot: true, ignore: SKIP }))
      : new Set<string>();
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
      else errors.push({ kind: 'io', message: 'this file is ignored (`ignores` in the config)', file: path });
      continue;
    }
    const patterns = kind === 'dir' ? STACK_GLOBS.map((g) => `${relative(cwd, path).replace(/\\/g, '/') || '.'}/${g}`) : [arg];
    if (kind === undefined && !/[*?[\]{}]/.test(arg)) {
      errors.push({ kind: 'io', message: 'no such file or folder', file: path });
      continue;
    }
    // Loaded only for globs and the folders stackFilesIn leaves to it: a run over named files does not pay for it.
    const matched = (
      (kind === 'dir' ? stackFilesIn(path, cwd) : undefined) ??
      (await (await import('tinyglobby')).glob(patterns, { cwd, absolute: true, dot: false, ignore: SKIP }))
    ).sort();
    // A folder's swarmlint.config.yml matches `*swarm*` but is no stack file.
    const found = matched.filter((f) => keep(f) && !(kind === 'dir' && CONFIG_FILES.includes(basename(f))));
    if (found.length === 0) {
      const what = kind === 'dir' ? 'stack file in this folder' : `file that matches ${arg}`;
      errors.push({
        kind: 'io',
        message:
          matched.length > 0
            ? `every ${what} is ignored (\`ignores\` in the config)`
            : kind === 'dir'
              ? `no stack files in this folder (looked for ${STACK_GLOBS.join(', ')})`
              : `no files match ${arg}`,
        file: path,
      });
    }
    for (const f of found) {
      sets.push([f]);
      expanded.add(f);
    }
  }
  const set = (list: readonly string[]): string[] => list.map((f) => (f === STDIN ? STDIN : isAbsolute(f) ? f : resolve(cwd, f)));
  if (composeFiles.length > 0) sets.push(set(composeFiles));
  for (const m of merges) sets.push(set(m.split(',').filter(Boolean)));
  return { sets, errors, expanded };
}

/** A stack to lint: its files in merge order, the name the config gives it, and whether it is a declared one. */
export interface PlannedStack {
  files: string[];
  name?: string;
  /** One of the config's `stacks:` (they are deployed to one swarm). */
  declared: boolean;
}

/**
 * A path with every link resolved (the path itself when it cannot be), as `realpathSync` gives it: its native
 * form resolves in one call what the JavaScript one resolves with an lstat per folder on the way; the path is
 * made absolute and normalised first, as `realpathSync` does, so `..` is never read after a link.
 */
const realPath = (p: string): string => {
  try {
    return realpathSync.native(resolve(p));
  } catch {
    return p;
  }
};

/**
 * The base file an override is written against: `docker-stack.prod.yml` → `docker-stack.yml` (or `.yaml`)
 * beside it, when that exists.
 */
export function baseBeside(path: string): string | undefined {
  const m = /^(.+)\.[^.]+\.(ya?ml)$/.exec(basename(path));
  if (!m?.[1]) return undefined;
  return [`${m[1]}.yml`, `${m[1]}.yaml`].map((n) => join(dirname(path), n)).find((b) => b !== path && existsSync(b));
}

/** No service of the file names an `image` (it only adds to a base): false when it cannot be read as YAML. */
export function hasNoImage(text: string, path: string): boolean {
  let value: unknown;
  try {
    const root = parseYaml(text, path, 0, defaultLimits).root;
    value = root ? toJS(root) : undefined;
  } catch {
    return false;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const services = (value as Record<string, unknown>).services;
  if (!services || typeof services !== 'object') return true;
  return Object.values(services).every((s) => !s || typeof s !== 'object' || !('image' in s));
}

/**
 * What the run lints, from the command line's sets:
 * - a file of one of the config's `stacks:` is linted as that stack (its files merged, under its name), once;
 * - without any input, the declared stacks are;
 * - a file found in a folder or by a glob that is an override (no `image` anywhere, a base beside it:
 *   `docker-stack.prod.yml` next to `docker-stack.yml`) is not linted alone: said in a note;
 * - the same file (or merge set) given twice (a file and its folder, overlapping globs, `./a` and `a`, a symlink
 *   and its target) is linted once.
 */
export function planStacks(
  sets: readonly string[][],
  expanded: ReadonlySet<string>,
  declared: readonly DeclaredStack[],
  readText: (path: string) => string | undefined,
): { stacks: PlannedStack[]; notes: string[] } {
  const resolved = new Map<string, string>();
  const realpath = (p: string): string => {
    let r = resolved.get(p);
    if (r === undefined) {
      r = realPath(p);
      resolved.set(p, r);
    }
    return r;
  };
  const owner = new Map<string, DeclaredStack>();
  for (const d of declared) for (const f of d.files) if (!owner.has(realpath(f))) owner.set(realpath(f), d);
  const notes: string[] = [];
  const stacks: PlannedStack[] = [];
  const seen = new Set<string>();
  const add = (stack: PlannedStack): void => {
    const key = stack.files.map((f) => (f === STDIN ? f : realpath(f))).join('\0');
    if (seen.has(key)) return;
    seen.add(key);
    stacks.push(stack);
  };
  const fromConfig = (d: DeclaredStack): PlannedStack => ({ files: d.files, name: d.name, declared: true });
  if (sets.length === 0) for (const d of declared) add(fromConfig(d));
  for (const set of sets) {
    const only = set.length === 1 ? set[0] : undefined;
    if (only === undefined || only === STDIN) {
      add({ files: set, declared: false });
      continue;
    }
    const d = owner.get(realpath(only));
    if (d) {
      add(fromConfig(d));
      continue;
    }
    if (expanded.has(only)) {
      const base = baseBeside(only);
      const text = base ? readText(only) : undefined;
      if (base && text !== undefined && hasNoImage(text, only)) {
        if (seen.has(`override\0${only}`)) continue;
        seen.add(`override\0${only}`);
        notes.push(
          `${only}: not linted alone: an override of ${basename(base)} (no \`image\` in it); name it, merge it (-c ${basename(base)} -c ${basename(only)}), or declare the pair under \`stacks:\` in the config`,
        );
        continue;
      }
    }
    add({ files: set, declared: false });
  }
  return { stacks, notes };
}

/** Standard input, up to `max` bytes; null when there is more (it is not read to the end). */
function readStdin(max: number, stdin: number | Uint8Array): Buffer | null {
  if (typeof stdin !== 'number') return stdin.length > max ? null : Buffer.from(stdin);
  const chunks: Buffer[] = [];
  let size = 0;
  const buf = Buffer.alloc(65536);
  for (;;) {
    let n: number;
    try {
      n = readSync(stdin, buf);
      /* c8 ignore start -- platform-dependent: a non-blocking stdin (EAGAIN), Windows' end of a pipe (EOF) */
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') continue;
      if (code === 'EOF') break;
      throw error;
    }
    /* c8 ignore stop */
    if (n === 0) break;
    size += n;
    if (size > max) return null;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

const mib = (n: number): string => `${(n / (1024 * 1024)).toFixed(1)} MiB`;

/** Does the file start like a facts document (`{ "format": "swarmlint-facts/…`)? Reads its first bytes only. */
function startsLikeFacts(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = readSync(fd, head, 0, head.length, 0);
    return looksLikeFacts(head.subarray(0, n).toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and decodes one input (`-`: standard input, file descriptor 0 unless given), or says why it cannot be linted
 * (with file and position).
 */
export function readInput(path: string, limits: LoadLimits, stdin: number | Uint8Array = 0): ReadFile | FatalError {
  try {
    let bytes: Uint8Array;
    if (path === STDIN) {
      const read = readStdin(limits.maxFileBytes, stdin);
      if (!read)
        throw new LoadError(`more than ${mib(limits.maxFileBytes)} on standard input, over the limit for a stack file`, '<stdin>', 1, 1);
      bytes = read;
    } else {
      const st = statSync(path);
      if (st.isDirectory()) throw new Error('a folder, not a stack file (-c and --merge take files)');
      // A facts document (a saved audit) may be far larger than any stack file: its own limit.
      const facts = st.size > limits.maxFileBytes && startsLikeFacts(path);
      const limit = facts ? { ...limits, maxFileBytes: limits.maxFactsBytes } : limits;
      if (st.size > limit.maxFileBytes) throw tooLarge(st.size, path, limit, facts ? 'a facts document' : 'a stack file');
      bytes = readFileSync(path);
      if (facts) return { path, ...decodeText(bytes, path, limit) };
    }
    const { text, bom } = decodeText(bytes, path === STDIN ? '<stdin>' : path, limits);
    return { path: path === STDIN ? '<stdin>' : path, text, bom };
  } catch (error) {
    if (error instanceof LoadError)
      return { kind: 'load', message: error.message, file: error.file, line: error.line, column: error.column };
    const e = error as NodeJS.ErrnoException;
    return { kind: 'io', message: e.code === 'ENOENT' ? 'no such file or folder' : e.message, file: path };
  }
}

import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import vm from 'node:vm';
import { writeFileAtomically } from './write-file.js';

/**
 * Loads a CommonJS bundle of the package (dist/engine/vendored.cjs, scripts/bundle-vendored.mjs) through a V8 code cache,
 * as Node 22's `module.enableCompileCache()` does for modules (Node 20 has none): the first run compiles it and, as
 * it ends, writes what V8 compiled (the functions the run used too) to a cache folder; later runs start from that
 * instead of parsing and compiling it again. A cache V8 rejects (another Node, another bundle) is written
 * again; any failure to read or write one is silent, the bundle is then compiled as without a cache.
 *
 * The cache folder is `SWARMLINT_CACHE_DIR`, else `swarmlint-code-cache-<uid>` in the temporary folder. A cache is
 * compiled code, so it is used only from a folder that belongs to this user and that no one else may write
 * to. `NODE_DISABLE_COMPILE_CACHE=1` (Node's own switch) turns it off.
 *
 * A bundle the build writes as one function expression, `(function (exports, require, module, __filename,
 * __dirname) {…})`, is compiled as it is (`wrapped`: a wrapped copy of a large text would cost another copy of it);
 * any other CommonJS file (the generated schema validators) is wrapped so. Either is called with CommonJS's
 * arguments and must not call `import()`: Node 20 gives code compiled by `vm.Script` none (the build checks). `args`
 * follow CommonJS's (dist/cli/lint.cjs takes the vendored bundle's exports and an `import` of its loader's).
 */
export function loadBundle(file: string, options: { wrapped?: boolean; args?: readonly unknown[] } = {}): Record<string, unknown> {
  const text = readFileSync(file, 'utf8');
  const source = options.wrapped === false ? `(function (exports, require, module, __filename, __dirname) {${text}\n})` : text;
  const cacheFile = cachePath(file);
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new vm.Script(source, cachedData ? { filename: file, cachedData } : { filename: file });
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const mod = { exports: {} as Record<string, unknown> };
  wrapper.call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file), ...(options.args ?? []));
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    if (toWrite.length === 0) process.once('exit', writeCaches);
    toWrite.push({ cacheFile, script });
  }
  return mod.exports;
}

/** Caches to write as the process ends (then they hold the functions the run compiled too). */
const toWrite: { cacheFile: string; script: import('node:vm').Script }[] = [];

function writeCaches(): void {
  for (const { cacheFile, script } of toWrite.splice(0)) {
    try {
      writeFileAtomically(cacheFile, script.createCachedData());
      // The caches of earlier builds of this file (same path, another key) are of no more use.
      const dir = dirname(cacheFile);
      const name = basename(cacheFile);
      const prefix = name.slice(0, name.lastIndexOf('-') + 1);
      for (const old of readdirSync(dir)) if (old.startsWith(prefix) && old !== name) rmSync(join(dir, old), { force: true });
    } catch {
      // no cache: the next run compiles again
    }
  }
}

/** FNV-1a, 52 bits, in hex: names a cache file (V8 checks what it holds; node:crypto would cost 2 MB to load). */
function hash(parts: readonly string[]): string {
  const text = parts.join('\0');
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return (h & 0xfffffffffffffn).toString(16).padStart(13, '0');
}

/** The cache file of a bundle: by its path, then by Node, CPU and the bundle's size and time (undefined: no cache). */
function cachePath(file: string): string | undefined {
  if (process.env.NODE_DISABLE_COMPILE_CACHE === '1') return undefined;
  try {
    const dir = process.env.SWARMLINT_CACHE_DIR ?? join(tmpdir(), `swarmlint-code-cache-${String(process.getuid?.() ?? 'user')}`);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const own = lstatSync(dir);
    const uid = process.getuid?.();
    if (!own.isDirectory() || (uid !== undefined && own.uid !== uid) || (process.platform !== 'win32' && (own.mode & 0o022) !== 0))
      return undefined;
    const st = statSync(file);
    return join(
      dir,
      `${basename(file)}-${hash([file])}-${hash([process.version, process.arch, String(st.size), String(st.mtimeMs), String(st.ino)])}.cache`,
    );
  } catch {
    return undefined;
  }
}

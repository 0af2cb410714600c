// engine/code-cache.ts: a CommonJS bundle loaded through a V8 code cache. The cache is written when the process ends
// (a child process here), used by the next run, written again when V8 rejects it, ignored when it is garbage or its
// folder is not the user's own, and never needed: without one the bundle runs the same. Only child processes load
// bundles here: this file runs in a group (test/helpers/grouped.ts), whose process and environment it leaves alone.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const loader = pathToFileURL(join(import.meta.dirname, '../../engine/code-cache.ts')).href;
const tsLoader = pathToFileURL(join(import.meta.dirname, '../../scripts/ts-loader.mjs')).href;

const BUNDLE = [
  '(function (exports, require, module, __filename, __dirname) {',
  '"use strict";',
  'const { join } = require("node:path");',
  'exports.add = (a, b) => a + b;',
  'exports.where = () => join(__dirname, "x");',
  'exports.cpus = () => typeof require("node:os").cpus;',
  '})',
].join('\n');

/** Runs the bundle in a child process (a cache is written as a process ends) and returns what it printed. */
function run(bundle: string, cacheDir: string, env: NodeJS.ProcessEnv = {}): { stdout: string; stderr: string; status: number | null } {
  const script = [
    `const { loadBundle } = await import(${JSON.stringify(loader)});`,
    `const m = loadBundle(${JSON.stringify(bundle)});`,
    'console.log(m.add(2, 3), m.where(), m.cpus());',
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', tsLoader, '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', SWARMLINT_CACHE_DIR: cacheDir, ...env },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

t.test('the first run writes the cache, the next uses it, a changed bundle writes its own', (t) => {
  const dir = t.testdir({ 'bundle.cjs': BUNDLE });
  const bundle = join(dir, 'bundle.cjs');
  const cache = join(dir, 'cache');
  const first = run(bundle, cache);
  t.equal(first.status, 0, first.stderr);
  t.equal(first.stdout, `5 ${join(dir, 'x')} function\n`);
  const files = readdirSync(cache);
  t.equal(files.length, 1, 'one cache file');
  const name = files[0] ?? '';
  t.match(name, /^bundle\.cjs-[0-9a-f]{13}-[0-9a-f]{13}\.cache$/);
  const written = readFileSync(join(cache, name));
  t.ok(written.length > 0);
  const second = run(bundle, cache);
  t.equal(second.stdout, first.stdout);
  t.same(readdirSync(cache), [name], 'used, not written again');
  t.same(readFileSync(join(cache, name)), written);

  // Another bundle at the same path: its own cache; the old one goes.
  writeFileSync(bundle, BUNDLE.replace('a + b', 'a * b'));
  const third = run(bundle, cache);
  t.equal(third.stdout, `6 ${join(dir, 'x')} function\n`);
  const now = readdirSync(cache);
  t.equal(now.length, 1);
  t.not(now[0], name);
  t.end();
});

t.test('a cache V8 rejects is written again; the bundle runs all the same', (t) => {
  const dir = t.testdir({ 'bundle.cjs': BUNDLE });
  const bundle = join(dir, 'bundle.cjs');
  const cache = join(dir, 'cache');
  t.equal(run(bundle, cache).status, 0);
  const [name = ''] = readdirSync(cache);
  writeFileSync(join(cache, name), 'not a code cache');
  const r = run(bundle, cache);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, `5 ${join(dir, 'x')} function\n`);
  t.equal(r.stderr, '');
  t.not(readFileSync(join(cache, name), 'utf8'), 'not a code cache', 'written again');
  t.end();
});

t.test('no cache in a folder others may write to, nor with NODE_DISABLE_COMPILE_CACHE=1', (t) => {
  const dir = t.testdir({ 'bundle.cjs': BUNDLE, open: {} });
  const bundle = join(dir, 'bundle.cjs');
  const open = join(dir, 'open');
  chmodSync(open, 0o777);
  const r = run(bundle, open);
  t.equal(r.status, 0, r.stderr);
  t.equal(r.stdout, `5 ${join(dir, 'x')} function\n`);
  t.same(readdirSync(open), [], 'nothing written to a world-writable folder');
  const off = join(dir, 'off');
  t.equal(run(bundle, off, { NODE_DISABLE_COMPILE_CACHE: '1' }).status, 0);
  mkdirSync(off, { recursive: true });
  t.same(readdirSync(off), [], 'nothing written when disabled');
  t.end();
});

t.test('a plain CommonJS file (a generated validator) is wrapped, and cached too; module.exports may be replaced', (t) => {
  const dir = t.testdir({ 'validator.cjs': '"use strict";module.exports = validate;function validate(x) { return x === 1; }\n' });
  const cache = join(dir, 'cache');
  const script = [
    `const { loadBundle } = await import(${JSON.stringify(loader)});`,
    `const validate = loadBundle(${JSON.stringify(join(dir, 'validator.cjs'))}, { wrapped: false });`,
    'console.log(typeof validate, validate(1), validate(2));',
  ].join('\n');
  for (const round of ['writes the cache', 'reads it']) {
    const r = spawnSync(process.execPath, ['--import', tsLoader, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '', SWARMLINT_CACHE_DIR: cache },
    });
    t.equal(r.status, 0, r.stderr);
    t.equal(r.stdout, 'function true false\n', round);
    t.match(readdirSync(cache), [/^validator\.cjs-/], round);
  }
  t.end();
});

#!/usr/bin/env node
// `npm run image:offline -- -o FILE.tar[.gz|.xz]`: swarmlint's image (swarmlint/swarmlint:<version>, also tagged
// swarmlint/deep:<version> for `audit --deep`) as a `docker load` archive, written by hand, for machines with no
// registry and no `docker build` (README, docs/deep-audit.md). The Dockerfile builds the same content.
//
//   docker run --rm -v "$PWD:/src" swarmlint/swarmlint:<version> lint .      (the working folder is /src)
//
// One layer: this host's node binary (stripped when `strip` is there) with the shared libraries ldd names, the
// package as npm installs it (the files `npm pack` lists, less the .d.ts) under /app, its production dependencies
// as installed here (their JS, JSON, compiled addons and licences; net-ping with raw-socket's addon when built),
// busybox-static for a shell and ping when debugging, and a minimal /etc. Reproducible: entries sorted, mtimes fixed, owners 0,
// no host-dependent metadata; two runs give the same bytes (test/cli/image-offline.ts checks it).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, constants as zlib } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
/** The image's names: swarmlint/swarmlint for users (lint, preflight, audit), swarmlint/deep for `audit --deep`'s
   default (probes/deep/image.ts). One image, two tags. */
export const REPOS = ['swarmlint/swarmlint', 'swarmlint/deep'];
export const TAGS = REPOS.map((repo) => `${repo}:${PKG.version}`);
/** Every entry's mtime: 2000-01-01T00:00:00Z (a fixed date; 0 reads as "unknown" to some tools). */
const MTIME = 946_684_800;
const CREATED = new Date(MTIME * 1000).toISOString();
const APP = 'app';
const NODE_IN_IMAGE = 'usr/local/bin/node';
/** Busybox applets linked in the image (a shell and network tools for `docker exec` when debugging). */
const APPLETS = ['sh', 'ping', 'ip', 'nc', 'nslookup', 'cat', 'ls', 'ps', 'wget', 'sleep'];

const USAGE = `Usage: npm run image:offline -- -o FILE.tar[.gz|.xz] [--no-strip] [--no-busybox] [--node PATH]

Writes the image ${TAGS.join(' (also ')}) as an archive for \`docker load -i FILE\` (run npm run build first).`;

function fail(message) {
  process.stderr.write(`image-offline: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { out: undefined, strip: true, busybox: true, node: process.execPath };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-o' || a === '--output') options.out = argv[++i];
    else if (a === '--no-strip') options.strip = false;
    else if (a === '--no-busybox') options.busybox = false;
    else if (a === '--node') options.node = argv[++i];
    else if (a === '-h' || a === '--help') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else fail(`unknown argument "${a}"\n${USAGE}`);
  }
  if (!options.out) fail(`-o FILE is required\n${USAGE}`);
  return options;
}

// ---- what goes in ---------------------------------------------------------------------------------------------

/**
 * The package as `npm install swarmlint` gets it: the files `npm pack` lists (package.json's "files" and what npm
 * always adds), less the type declarations, which nothing runs. dist/ must be built (npm run build).
 */
export function packageFiles() {
  if (!existsSync(join(ROOT, 'dist/cli/main.js'))) throw new Error('dist/cli/main.js is missing (npm run build)');
  let out;
  try {
    // --ignore-scripts: list dist/ as it is, without building it again (prepack).
    out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    throw new Error(`npm pack --dry-run failed: ${String(error.stderr || error.message).split('\n')[0]}`);
  }
  const [packed] = JSON.parse(out);
  return packed.files
    .map((f) => f.path)
    .filter((p) => !p.endsWith('.d.ts'))
    .sort();
}

/** Where a package named `name` is found from `fromDir`, as node resolves it (node_modules folders upwards). */
function findModule(fromDir, name) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT || dirname(dir) === dir) return undefined;
  }
}

/**
 * The production dependencies, installed as the lockfile has them: the package's `dependencies` and the
 * `optionalDependencies` that are installed (net-ping, and raw-socket compiled for this host), followed to the
 * end. Returns their folders relative to the repository root (node_modules/…), sorted. Peers (ESLint) are left out:
 * the CLI does not load them.
 */
export function productionModules() {
  const found = new Set();
  const visit = (fromDir, name, optional) => {
    const dir = findModule(fromDir, name);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} (needed by ${relative(ROOT, fromDir) || 'swarmlint'}) is not installed (npm ci)`);
    }
    const rel = relative(ROOT, dir).split(sep).join('/');
    if (found.has(rel)) return;
    found.add(rel);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys(manifest.dependencies ?? {})) visit(dir, dep, false);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) visit(dir, dep, true);
  };
  for (const dep of Object.keys(PKG.dependencies ?? {})) visit(ROOT, dep, false);
  for (const dep of Object.keys(PKG.optionalDependencies ?? {})) visit(ROOT, dep, true);
  return [...found].sort();
}

/** Shared libraries (and the program interpreter) of an ELF file, by `ldd`: [path in image, file on host]. */
export function sharedLibraries(elf) {
  const out = execFileSync('ldd', [elf], { encoding: 'utf8', timeout: 20_000 });
  const libs = [];
  for (const line of out.split('\n')) {
    const arrow = /^\s*\S+\s+=>\s+(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    const direct = /^\s*(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    const path = arrow?.[1] ?? direct?.[1];
    if (path) libs.push(path);
    else if (/not found/.test(line)) throw new Error(`ldd ${elf}: ${line.trim()}`);
  }
  return libs;
}

/** Folders of a module that never run. */
const SKIPPED_DIRS = new Set(['test', 'tests', '__tests__', 'example', 'examples', 'obj.target', '.deps', '.github', 'node_modules']);
/** Files of a module that run (JS, JSON, compiled addons) or must travel with it (its licence). */
const RUNTIME_FILE = /\.(js|cjs|mjs|json|node)$/;
const LICENCE_FILE = /^(licen[cs]e|notice|copying)(\.\w+)?$/i;

/** A module's files that run, and its licence; no sources, tests, maps or type declarations. */
function moduleFiles(dir) {
  const files = [];
  const walk = (sub) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(rel);
      } else if (entry.isFile() && (RUNTIME_FILE.test(entry.name) || (!sub && LICENCE_FILE.test(entry.name)))) files.push(rel);
    }
  };
  walk('');
  return files.sort();
}

// ---- tar ------------------------------------------------------------------------------------------------------

/** One ustar header (prefix split for names over 100 bytes). */
function header(name, { size = 0, mode, type, link = '' }) {
  const h = Buffer.alloc(512);
  let base = name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100) throw new Error(`tar: name too long: ${name}`);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  if (Buffer.byteLength(link) > 100) throw new Error(`tar: link too long: ${link}`);
  const octal = (n, width) => n.toString(8).padStart(width - 1, '0') + '\0';
  h.write(base, 0);
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(MTIME, 12), 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write(link, 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  h.write(prefix, 345);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

/**
 * A tar of `entries` ({ name, dir? , link?, data?, mode }), sorted by name, parents before children. Directories
 * that hold an entry are added when missing.
 */
export function tar(entries) {
  const all = new Map();
  for (const e of entries) {
    all.set(e.name, e);
    const parts = e.name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const d = parts.slice(0, i).join('/');
      if (!all.has(d)) all.set(d, { name: d, dir: true, mode: 0o755 });
    }
  }
  const chunks = [];
  for (const name of [...all.keys()].sort()) {
    const e = all.get(name);
    if (e.dir) chunks.push(header(`${name}/`, { mode: e.mode ?? 0o755, type: '5' }));
    else if (e.link !== undefined) chunks.push(header(name, { mode: 0o777, type: '2', link: e.link }));
    else {
      chunks.push(header(name, { size: e.data.length, mode: e.mode, type: '0' }), e.data);
      const pad = (512 - (e.data.length % 512)) % 512;
      if (pad) chunks.push(Buffer.alloc(pad));
    }
  }
  chunks.push(Buffer.alloc(1024));
  return Buffer.concat(chunks);
}

// ---- the image ------------------------------------------------------------------------------------------------

const fileEntry = (name, path, mode) => ({ name, data: readFileSync(path), mode: mode ?? (statSync(path).mode & 0o111 ? 0o755 : 0o644) });

function nodeBinary(node, strip) {
  if (!strip) return readFileSync(node);
  try {
    const dir = mkdtempSync(join(tmpdir(), 'swarmlint-image-'));
    try {
      const out = join(dir, 'node');
      execFileSync('strip', ['--strip-all', '-o', out, node], { timeout: 120_000, stdio: ['ignore', 'ignore', 'pipe'] });
      return readFileSync(out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch (error) {
    process.stderr.write(`image-offline: strip failed (${error.message.split('\n')[0]}): node goes in unstripped\n`);
    return readFileSync(node);
  }
}

/** The root filesystem's entries. */
export function rootfs(options) {
  const entries = [];
  for (const file of packageFiles())
    entries.push(fileEntry(`${APP}/${file}`, join(ROOT, file), file === PKG.bin.swarmlint ? 0o755 : 0o644));
  const elves = [options.node];
  for (const module of productionModules()) {
    const dir = join(ROOT, module);
    for (const f of moduleFiles(dir)) {
      const addon = f.endsWith('.node');
      entries.push(fileEntry(`${APP}/${module}/${f}`, join(dir, f), addon ? 0o755 : 0o644));
      if (addon) elves.push(join(dir, f));
    }
  }
  entries.push({ name: NODE_IN_IMAGE, data: nodeBinary(options.node, options.strip), mode: 0o755 });
  const libs = new Set(elves.flatMap((elf) => sharedLibraries(elf)));
  for (const lib of [...libs].sort()) entries.push(fileEntry(lib.slice(1), lib, 0o755));
  if (options.busybox) {
    entries.push(fileEntry('bin/busybox', '/bin/busybox', 0o755));
    for (const applet of APPLETS) entries.push({ name: `bin/${applet}`, link: 'busybox' });
  }
  entries.push({
    name: 'etc/passwd',
    data: Buffer.from('root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n'),
    mode: 0o644,
  });
  entries.push({ name: 'etc/group', data: Buffer.from('root:x:0:\nnogroup:x:65534:\n'), mode: 0o644 });
  entries.push({ name: 'etc/nsswitch.conf', data: Buffer.from('hosts: files dns\n'), mode: 0o644 });
  for (const d of ['tmp', 'proc', 'sys', 'dev', 'root', 'src']) entries.push({ name: d, dir: true, mode: d === 'tmp' ? 0o1777 : 0o755 });
  return entries;
}

const sha256 = (data) => createHash('sha256').update(data).digest('hex');

/** How the image runs (the Dockerfile says the same: test/package/dockerfile.ts). */
export const IMAGE_CONFIG = {
  Entrypoint: [`/${NODE_IN_IMAGE}`, `/${APP}/dist/cli/main.js`],
  Cmd: ['--help'],
  Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production'],
  WorkingDir: '/src',
};

/** The `docker load` archive (docker-archive layout: manifest.json, config, one layer) as a tar buffer. */
export function imageArchive(options) {
  const layer = tar(rootfs(options));
  const diffId = sha256(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: CREATED,
      config: {
        ...IMAGE_CONFIG,
        Labels: { 'org.opencontainers.image.title': 'swarmlint', 'org.opencontainers.image.version': PKG.version },
      },
      rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
      history: [{ created: CREATED, created_by: 'scripts/image-offline.mjs' }],
    }),
  );
  const configName = `${sha256(config)}.json`;
  const manifest = Buffer.from(JSON.stringify([{ Config: configName, RepoTags: TAGS, Layers: [`${diffId}/layer.tar`] }]));
  const repositories = Buffer.from(JSON.stringify(Object.fromEntries(REPOS.map((repo) => [repo, { [PKG.version]: diffId }]))));
  return {
    archive: tar([
      { name: configName, data: config, mode: 0o644 },
      { name: `${diffId}/VERSION`, data: Buffer.from('1.0'), mode: 0o644 },
      { name: `${diffId}/json`, data: Buffer.from(JSON.stringify({ id: diffId, created: CREATED, config: {} })), mode: 0o644 },
      { name: `${diffId}/layer.tar`, data: layer, mode: 0o644 },
      { name: 'manifest.json', data: manifest, mode: 0o644 },
      { name: 'repositories', data: repositories, mode: 0o644 },
    ]),
    layerBytes: layer.length,
    diffId,
  };
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const out = resolve(options.out);
  let built;
  try {
    built = imageArchive(options);
  } catch (error) {
    fail(error.message);
  }
  // gzip: node's zlib writes no name and mtime 0, so the bytes depend on the input only. xz: single-threaded, so
  // that the blocks (and bytes) do not depend on the number of CPUs; docker load reads both.
  let bytes = built.archive;
  if (/\.(tgz|gz)$/.test(out)) bytes = gzipSync(built.archive, { level: zlib.Z_BEST_COMPRESSION });
  else if (/\.(txz|xz)$/.test(out)) {
    try {
      bytes = execFileSync('xz', ['-T1', '-6', '-c'], { input: built.archive, maxBuffer: 1 << 30, timeout: 600_000 });
    } catch (error) {
      fail(`xz failed (${error.message.split('\n')[0]}); write .tar or .tar.gz instead`);
    }
  }
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, out);
  } catch (error) {
    rmSync(tmp, { force: true });
    fail(`cannot write ${out}: ${error.message}`);
  }
  const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;
  process.stderr.write(
    `image-offline: ${TAGS.join(', ')} -> ${out} (${mb(bytes.length)}; layer ${mb(built.layerBytes)}); load it with: docker load -i ${out}\n`,
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();

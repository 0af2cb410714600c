// What `npm install swarmlint` gets: the manifest (files, entry points, bin, dependencies, no install script), the
// project files (LICENSE, NOTICE, CHANGELOG), the packed file list, and no package registry named anywhere in the
// repository (installs use whichever registry the user's npm is set up for). The install itself, without a
// compiler and within its size budget, is scripts/ci-package.sh (npm run test:package, run by .ci/run).
import t from 'tap';
import { packedFiles } from '../helpers/packed.js';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('../../', import.meta.url).pathname;
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

interface Manifest {
  name: string;
  version: string;
  license: string;
  type: string;
  bin: Record<string, string>;
  main: string;
  types: string;
  files: string[];
  exports: Record<string, string | { types: string; default: string }>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
}
const pkg = JSON.parse(read('package.json')) as Manifest;

/** The TypeScript source a dist/ file is compiled from. */
const sourceOf = (distFile: string): string => distFile.replace(/^\.?\/?dist\//, '').replace(/\.d\.ts$|\.js$/, '.ts');

t.test('files: the build, the rule pages, the schemas and the project files', (t) => {
  t.same(pkg.files, ['dist', 'docs/rules', 'schemas', 'NOTICE', 'CHANGELOG.md']);
  for (const file of ['LICENSE', 'NOTICE', 'CHANGELOG.md', 'README.md']) t.ok(existsSync(join(root, file)), file);
  t.equal(pkg.license, 'Apache-2.0');
  t.match(read('LICENSE'), /Apache License\s+Version 2\.0, January 2004/, 'LICENSE: the Apache License 2.0');
  const notice = read('NOTICE');
  t.match(notice, /^swarmlint\n/, 'NOTICE names the product');
  t.match(notice, /docker\/cli/, 'NOTICE: the Compose file schema from docker/cli');
  // The bundle's licences: scripts/bundle-vendored.mjs writes them and the build checks them.
  for (const bundled of ['eslint', '@typescript-eslint/utils', 'espree', 'esquery'])
    t.match(notice, new RegExp(`^== ${bundled.replace('/', '\\/')} \\d+\\.\\d+\\.\\d+ \\(`, 'm'), `NOTICE: ${bundled} and its licence`);
  t.match(read('CHANGELOG.md'), new RegExp(`^## ${pkg.version.replace(/\./g, '\\.')}\\b`, 'm'), 'CHANGELOG: the current version');
  t.end();
});

t.test('entry points and bin: built from sources that exist', (t) => {
  t.equal(pkg.type, 'module');
  t.same(pkg.bin, { swarmlint: 'dist/cli/main.js' });
  t.match(read(sourceOf(pkg.bin.swarmlint ?? '')), /^#!\/usr\/bin\/env node\n/, 'the CLI starts with a node shebang');
  t.equal(sourceOf(pkg.main), 'index.ts');
  t.equal(sourceOf(pkg.types), 'index.ts');
  t.same(Object.keys(pkg.exports), ['.', './rule-tester', './package.json']);
  t.equal(pkg.exports['./package.json'], './package.json');
  for (const [name, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    t.same(Object.keys(target), ['types', 'default'], `${name}: types first`);
    t.equal(sourceOf(target.types), sourceOf(target.default), `${name}: types and code of one source`);
    t.ok(existsSync(join(root, sourceOf(target.default))), `${name}: ${sourceOf(target.default)}`);
  }
  t.end();
});

t.test('dependencies: nothing to compile, no ESLint, no TypeScript, no dockerode', (t) => {
  const deps = Object.keys(pkg.dependencies);
  for (const heavy of ['eslint', '@eslint/plugin-kit', '@typescript-eslint/utils', 'typescript', 'dockerode', 'net-ping', 'esbuild'])
    t.notOk(deps.includes(heavy), `${heavy} is not a dependency`);
  t.same(pkg.optionalDependencies, { 'net-ping': pkg.optionalDependencies?.['net-ping'] }, 'net-ping (node-gyp) is optional');
  for (const peer of ['eslint', '@typescript-eslint/utils']) {
    t.ok(pkg.peerDependencies?.[peer], `${peer}: a peer`);
    t.equal(pkg.peerDependenciesMeta?.[peer]?.optional, true, `${peer}: optional`);
    t.ok(pkg.devDependencies[peer], `${peer}: a devDependency (tests, the bundle)`);
  }
  for (const script of ['preinstall', 'install', 'postinstall', 'prepare'])
    t.notOk(pkg.scripts[script], `no ${script} script: nothing runs when the package is installed`);
  t.match(pkg.scripts.prepack, /npm run build/, 'npm pack builds dist/');
  t.match(pkg.scripts.build, /bundle-vendored\.mjs/, 'the build bundles what is used of ESLint');
  // Only engine/vendored.ts imports ESLint or @typescript-eslint/utils at run time (and the rule tester, whose entry
  // point needs ESLint installed); the rest imports types.
  const sources = execFileSync('git', ['ls-files', '*.ts'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !/^(test|bench|lab|scripts)\//.test(f));
  const importers = sources.filter((f) =>
    /^(?:import|export) (?!type )[^;]*from '(eslint|@eslint\/plugin-kit|@typescript-eslint\/utils)(\/[^']*)?';/m.test(
      readFileSync(join(root, f), 'utf8'),
    ),
  );
  t.same(importers.sort(), ['engine/rule-tester.ts', 'engine/vendored.ts'], 'runtime imports of ESLint and plugin-kit');
  t.end();
});

t.test('no package registry named in the repository; the lockfile holds no download address', (t) => {
  t.match(read('.npmrc'), /^omit-lockfile-registry-resolved=true$/m, '.npmrc: npm writes no "resolved" into the lockfile');
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { resolved?: string }> };
  t.same(
    Object.entries(lock.packages)
      .filter(([, p]) => p.resolved !== undefined)
      .map(([k]) => k),
    [],
    'no "resolved" in package-lock.json',
  );
  // Written in pieces, so that this file does not name them either.
  const hosts = [
    ['registry', 'npmjs', 'org'],
    ['registry', 'yarnpkg', 'com'],
    ['registry', 'npmmirror', 'com'],
    ['npm', 'pkg', 'github', 'com'],
    ['www', 'npmjs', 'com'],
    ['npmjs', 'com', 'package'],
    ['pypi', 'org'],
  ].map((parts) => parts.join('.'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && existsSync(join(root, f)) && !/\.(png|jpe?g|gz|tgz|ico|woff2?)$/.test(f));
  const named: string[] = [];
  for (const file of files) {
    const text = readFileSync(join(root, file), 'latin1').toLowerCase();
    for (const host of hosts) if (text.includes(host)) named.push(`${file}: ${host}`);
  }
  t.same(named, [], `no registry host in ${String(files.length)} files`);
  t.end();
});

t.test('the packed file list', (t) => {
  if (!existsSync(join(root, 'dist/cli/main.js'))) {
    t.fail('dist/ is not built (npm run build)');
    t.end();
    return;
  }
  const paths = packedFiles(root);
  for (const file of [
    'package.json',
    'README.md',
    'LICENSE',
    'NOTICE',
    'CHANGELOG.md',
    'dist/cli/main.js',
    'dist/index.js',
    'dist/index.d.ts',
    'dist/engine/rule-tester.js',
    'dist/engine/vendored.js',
    ...Array.from({ length: 14 }, (_, n) => `dist/language/generated/stack-schema-v3.${String(n)}.cjs`),
    'schemas/stack-v3.13.schema.json',
    'schemas/config.schema.json',
    'schemas/facts.schema.json',
    'schemas/findings.schema.json',
  ])
    t.ok(paths.includes(file), `packed: ${file}`);
  // One copy of each schema: where users name them (schemas/…), and where the code reads them (engine/package-file.ts).
  const schemaBytes = new Map(
    paths
      .filter((p) => p.startsWith('schemas/'))
      .map((p) => [
        createHash('sha256')
          .update(readFileSync(join(root, p)))
          .digest('hex'),
        p,
      ]),
  );
  t.same(
    paths.filter(
      (p) =>
        p.startsWith('dist/') &&
        schemaBytes.has(
          createHash('sha256')
            .update(readFileSync(join(root, p)))
            .digest('hex'),
        ),
    ),
    [],
    'no copy of a schema under dist/',
  );
  t.same(
    paths.filter(
      (p) => !/^(dist|docs\/rules|schemas)\//.test(p) && !['package.json', 'README.md', 'LICENSE', 'NOTICE', 'CHANGELOG.md'].includes(p),
    ),
    [],
    'nothing else at the top',
  );
  t.same(
    paths.filter((p) => /\.ts$/.test(p) && !p.endsWith('.d.ts')),
    [],
    'no TypeScript sources',
  );
  const vendored = read('dist/engine/vendored.js');
  t.notMatch(vendored, /from\s*["'](eslint|@typescript-eslint\/utils)[/"']/, 'dist/engine/vendored.js is the bundle, not re-exports');
  t.end();
});

t.test('packageFile: the package root from the sources, the build and an installed copy', async (t) => {
  const { packageFile } = await import('../../engine/package-file.js');
  const dir = t.testdir({
    'package.json': '{}',
    dist: { engine: { 'config.js': '' } },
    engine: { 'config.ts': '' },
  });
  const at = (file: string): string => pathToFileURL(join(dir, file)).href;
  t.equal(packageFile('schemas/config.schema.json', at('dist/engine/config.js')).href, at('schemas/config.schema.json'));
  t.equal(packageFile('schemas/config.schema.json', at('engine/config.ts')).href, at('schemas/config.schema.json'));
  t.ok(existsSync(packageFile('schemas/config.schema.json')), 'from this checkout: the schema exists');
  t.throws(() => packageFile('x.json', 'file:///'), /no package\.json in any folder above/);
  t.end();
});

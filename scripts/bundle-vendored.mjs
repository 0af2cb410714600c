// Run by `npm run build`, after tsc and copy-assets. Two bundles:
//
// - dist/engine/vendored.cjs: one bundle of ESLint's Linter and @typescript-eslint/utils' RuleCreator and everything
//   they use, so that the package depends on neither (engine/vendored.ts says why). dist/engine/vendored.js (tsc's
//   re-exports) becomes the module that loads it through a V8 code cache (engine/code-cache.ts) and exports the same.
// - dist/cli/main.js and dist/cli/lint.js (tsc's) are replaced by one file each with what they import, `yaml` and
//   `ipaddr.js` included: Node then reads, resolves and compiles two files for `swarmlint lint` instead of about
//   160, and `swarmlint --help` loads one. lint.js is a small ES module in front of dist/cli/lint.cjs, the command's
//   bundle as CommonJS, which it loads through the code cache as vendored.js loads vendored.cjs. The vendored
//   bundle, the other commands (audit, preflight, rules, deep-probe: tsc's modules, as before), Ajv and tinyglobby
//   (loaded only when a config or a folder needs them) stay imports. The files stay in dist/cli/, so what they read
//   beside them (../schemas/, ../language/generated/, ../../docs/rules/) is found as from tsc's modules there.
//
// The licences of bundled packages stay with them: NOTICE ends with the name, version, licence and licence text of
// every package in the bundles. The build fails when that part of NOTICE is not what the bundles hold (after a
// dependency update); `node scripts/bundle-vendored.mjs --write-notice` rewrites it.
import { build } from 'esbuild';
import { chmodSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { runInThisContext } from 'node:vm';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'engine/vendored.ts');
const outfile = join(root, 'dist/engine/vendored.js');
const MARKER = '---- Bundled in dist/engine/vendored.js and dist/cli/ (written by scripts/bundle-vendored.mjs --write-notice) ----';
const SECTION = /^---- Bundled in .* \(written by scripts\/bundle-vendored\.mjs --write-notice\) ----$/m;

// engine/config-array.ts finds ESLint's FlatConfigArray through the devDependency's folder at run time; in the
// bundle it is ESLint's own file, the one its Linter uses, so the package loads no second ESLint.
const eslintDir = dirname(createRequire(entry).resolve('eslint/package.json'));
const configArray = {
  name: 'eslint-config-array',
  setup(b) {
    b.onResolve({ filter: /^\.\/config-array\.js$/ }, () => ({ path: join(eslintDir, 'lib/config/flat-config-array.js') }));
  },
};

// ESLint's ~300 JavaScript rules are half of the bundle (about 1 MB, compiled on every start) and never run on
// swarmlint's languages: the config loader refuses rule ids other than swarmlint's and plugins' (engine/config.ts),
// and the languages take no inline rule configuration. ESLint still looks their ids up when a comment names one
// (`# eslint-disable-next-line no-console`: found, then unused; not found would be an error), so the ids stay, each
// with a rule that reports nothing.
const coreRules = {
  name: 'eslint-core-rules',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/rules$/ }, (a) =>
      a.importer === join(eslintDir, 'lib/config/default-config.js') ? { path: 'core-rules', namespace: 'eslint-core-rules' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'eslint-core-rules' }, () => {
      const ids = [...createRequire(entry)(join(eslintDir, 'lib/rules/index.js')).keys()];
      return {
        contents: [
          `const { LazyLoadingRuleMap } = require(${JSON.stringify(join(eslintDir, 'lib/rules/utils/lazy-loading-rule-map.js'))});`,
          'const placeholder = { meta: { type: "problem", schema: false }, create: () => ({}) };',
          `module.exports = new LazyLoadingRuleMap(${JSON.stringify(ids)}.map((id) => [id, () => placeholder]));`,
        ].join('\n'),
        loader: 'js',
        resolveDir: join(eslintDir, 'lib/rules'),
      };
    });
  },
};

// The bundle is CommonJS (dist/engine/vendored.cjs), loaded by dist/engine/vendored.js through a V8 code cache
// (engine/code-cache.ts): Node 20 caches no ES module, and compiling this one was about a tenth of a one-file lint.
const cjsFile = outfile.replace(/\.js$/, '.cjs');
const result = await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  outfile: `${cjsFile}.tmp`,
  metafile: true,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [configArray, coreRules],
  define: { 'import.meta.url': '__importMetaUrl' },
  // Written as the function engine/code-cache.ts calls with CommonJS's arguments: the loader then compiles the file's
  // text as it is, without a wrapped copy of it.
  banner: {
    js: "(function (exports, require, module, __filename, __dirname) {'use strict';const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  footer: { js: '})' },
});
// A script compiled by vm.Script has no import() on Node 20.
const dynamic = Object.values(result.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.kind === 'dynamic-import'));
if (dynamic.length > 0) {
  console.error(
    `${relative(root, cjsFile)}: import() of ${dynamic.map((i) => i.path).join(', ')} in the bundle; it cannot run from the code cache`,
  );
  process.exit(1);
}
renameSync(`${cjsFile}.tmp`, cjsFile);
// dist/engine/vendored.js: the module everything imports, with the bundle's exports (names checked against it).
const loaded = { exports: {} };
runInThisContext(readFileSync(cjsFile, 'utf8'), { filename: cjsFile })(
  loaded.exports,
  createRequire(cjsFile),
  loaded,
  cjsFile,
  dirname(cjsFile),
);
const names = Object.keys(loaded.exports).sort();
await build({
  stdin: {
    contents: [
      "import { fileURLToPath } from 'node:url';",
      "import { loadBundle } from './code-cache.js';",
      "const vendored = loadBundle(fileURLToPath(new URL('./vendored.cjs', import.meta.url)));",
      `export const { ${names.join(', ')} } = vendored;`,
    ].join('\n'),
    resolveDir: join(root, 'engine'),
    sourcefile: 'vendored-loader.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  outfile: `${outfile}.tmp`,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: '// The vendored bundle (vendored.cjs) through a V8 code cache: scripts/bundle-vendored.mjs, engine/code-cache.ts.' },
});
renameSync(`${outfile}.tmp`, outfile);

// The CLI: main.js and lint.js, each bundled from the sources into a folder of its own, then renamed over tsc's.
const yamlDebugEnv = {
  // yaml reads process.env.LOG_TOKENS for every token and LOG_STREAM for every document it composes (a debug
  // print); each read asks the C library's getenv, about 4 % of a 1,000-file lint. Read once, when loaded.
  name: 'yaml-debug-env',
  setup(b) {
    b.onLoad({ filter: /[\\/]node_modules[\\/]yaml[\\/]dist[\\/](parse[\\/]parser|compose[\\/]composer)\.js$/ }, (a) => {
      const text = readFileSync(a.path, 'utf8');
      const require = "var node_process = require('process');";
      const uses = text.match(/node_process\.env\.LOG_(TOKENS|STREAM)/g) ?? [];
      if (!text.includes(require) || uses.length !== 1)
        throw new Error(`${relative(root, a.path)}: yaml changed; look at the yaml-debug-env plugin again`);
      const name = uses[0].slice('node_process.env.'.length);
      return {
        contents: text.replace(`node_process.env.${name}`, name).replace(require, `${require}\nvar ${name} = node_process.env.${name};`),
        loader: 'js',
      };
    });
  },
};
const cliImports = {
  name: 'cli-imports',
  setup(b) {
    // The vendored bundle is imported, from dist/cli/ as from anywhere.
    b.onResolve({ filter: /(^|\/)vendored\.js$/ }, () => ({ path: '../engine/vendored.js', external: true }));
    // main.js (with cli/run.ts) loads each command when it is run: those imports stay (lint.js is the other bundle).
    b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (a) =>
      a.importer === join(root, 'cli/run.ts') && a.kind === 'dynamic-import' ? { path: a.path, external: true } : undefined,
    );
    // Any other package is a mistake here: it would be bundled without its licence in NOTICE.
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (isBuiltin(a.path) || a.kind === 'dynamic-import' || ALLOWED.has(a.path.split('/')[0])) return undefined;
      return {
        errors: [
          {
            text: `${a.path} (imported by ${relative(root, a.importer)}) is not bundled into the CLI: add it to ALLOWED or make it an import`,
          },
        ],
      };
    });
  },
};
const cli = join(root, 'dist/cli');
const staged = join(root, 'dist/.cli-bundle');
const ALLOWED = new Set(['yaml', 'ipaddr.js']);
const cliResult = await build({
  entryPoints: [join(root, 'cli/main.ts'), join(root, 'cli/lint.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  outdir: staged,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['ajv', 'tinyglobby'],
  plugins: [yamlDebugEnv, cliImports],
  // Bundled CommonJS may call require() for Node's own modules: give the ES module one.
  banner: { js: "import { createRequire as __cliRequire } from 'node:module'; const require = __cliRequire(import.meta.url);" },
});
renameSync(join(staged, 'main.js'), join(cli, 'main.js'));
chmodSync(join(cli, 'main.js'), 0o755);

// lint: the command's bundle as CommonJS, dist/cli/lint.cjs, compiled through the V8 code cache as the vendored bundle
// is (engine/code-cache.ts), behind a small ES module, dist/cli/lint.js, that loads it and exports what the ES
// bundle above would. Compiling the 680 kB ES module took about 12 ms of every run, and every function it ran was
// compiled again each time. The bundle gets the vendored bundle's exports (no require() of an ES module) and an
// import() of the front module's (code compiled by vm.Script has none on Node 20).
const esmLint = readFileSync(join(staged, 'lint.js'), 'utf8');
rmSync(staged, { recursive: true, force: true });
const lintNames = Object.values(cliResult.metafile.outputs).find((o) => o.entryPoint === 'cli/lint.ts')?.exports ?? [];
const vendoredArgument = {
  name: 'vendored-argument',
  setup(b) {
    b.onResolve({ filter: /(^|\/)vendored\.js$/ }, () => ({ path: 'vendored', namespace: 'vendored-argument' }));
    b.onLoad({ filter: /.*/, namespace: 'vendored-argument' }, () => ({ contents: 'module.exports = __vendored;', loader: 'js' }));
  },
};
const lintCjs = join(cli, 'lint.cjs');
const lintResult = await build({
  entryPoints: [join(root, 'cli/lint.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20.19',
  outfile: lintCjs,
  write: false,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['ajv', 'tinyglobby'],
  define: { 'import.meta.url': '__importMetaUrl' },
  plugins: [vendoredArgument, yamlDebugEnv, cliImports],
  banner: {
    js: "(function (exports, require, module, __filename, __dirname, __vendored, __import) {'use strict';const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;",
  },
  footer: { js: '})' },
});
// Every import() of the bundle (each an `await import(`, as in the ES bundle) becomes the front module's.
const IMPORT_CALL = /\bimport\(/g;
const esmCalls = esmLint.match(IMPORT_CALL)?.length ?? 0;
const awaited = esmLint.match(/\bawait import\(/g)?.length ?? 0;
const lintCode = lintResult.outputFiles[0]?.text ?? '';
if (esmCalls !== awaited || (lintCode.match(IMPORT_CALL)?.length ?? 0) !== esmCalls) {
  console.error(
    `${relative(root, lintCjs)}: ${String(esmCalls)} import( in the ES bundle, ${String(awaited)} of them awaited calls: look at how the bundle's import() calls are rewritten`,
  );
  process.exit(1);
}
writeFileSync(`${lintCjs}.tmp`, lintCode.replace(IMPORT_CALL, '__import('));
renameSync(`${lintCjs}.tmp`, lintCjs);
const lintFront = join(cli, 'lint.js');
await build({
  stdin: {
    contents: [
      "import { fileURLToPath } from 'node:url';",
      "import * as vendored from '../engine/vendored.js';",
      "import { loadBundle } from '../engine/code-cache.js';",
      "const lint = loadBundle(fileURLToPath(new URL('./lint.cjs', import.meta.url)), { args: [vendored, (specifier: string) => import(specifier)] });",
      `export const { ${lintNames.join(', ')} } = lint;`,
    ].join('\n'),
    resolveDir: join(root, 'cli'),
    sourcefile: 'lint-loader.ts',
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  outfile: `${lintFront}.tmp`,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [
    {
      name: 'vendored-external',
      setup(b) {
        b.onResolve({ filter: /(^|\/)vendored\.js$/ }, () => ({ path: '../engine/vendored.js', external: true }));
      },
    },
  ],
  banner: { js: '// swarmlint lint: lint.cjs through a V8 code cache (scripts/bundle-vendored.mjs, engine/code-cache.ts).' },
});
renameSync(`${lintFront}.tmp`, lintFront);

/** The folder of each package the bundle took code from (nested copies included), by its package.json. */
const folders = new Set();
for (const input of [...Object.keys(result.metafile.inputs), ...Object.keys(cliResult.metafile.inputs)]) {
  const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (m) folders.add(join(root, m[1]));
}
const packages = [...folders]
  .map((folder) => {
    const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const file = readdirSync(folder).find((f) => /^(licen[cs]e|copying)([.-](md|txt|bsd|mit))?$/i.test(f));
    // A few packages carry their licence only as the opening comment of their main file, or in their README.
    const read = (name) => (existsSync(join(folder, name)) ? readFileSync(join(folder, name), 'utf8') : '');
    const text = file
      ? read(file)
      : (/^\s*\/\*([\s\S]*?Copyright[\s\S]*?)\*\//.exec(read(pkg.main ?? 'index.js'))?.[1] ??
        /^#*\s*Licen[cs]e\s*\n(?:[-=]+\n)?([\s\S]*?Copyright[\s\S]*?)(?=\n#|$)/im.exec(read('README.md'))?.[1]);
    if (text === undefined) throw new Error(`${relative(root, folder)}: no licence text to keep in NOTICE`);
    return { name: pkg.name, version: pkg.version, license: pkg.license, text: text.replace(/^\n+|\s+$/g, '') };
  })
  .filter((p, i, all) => all.findIndex((q) => q.name === p.name && q.version === p.version) === i)
  .sort((a, b) => (a.name === b.name ? a.version.localeCompare(b.version) : a.name < b.name ? -1 : 1));

const section = [MARKER, '', ...packages.flatMap((p) => [`== ${p.name} ${p.version} (${p.license})`, '', p.text, ''])].join('\n');
const noticeFile = join(root, 'NOTICE');
const notice = readFileSync(noticeFile, 'utf8');
const at = notice.search(SECTION);
const head = (at === -1 ? notice : notice.slice(0, at)).trimEnd();
const wanted = `${head}\n\n${section}`;
if (process.argv.includes('--write-notice')) {
  writeFileSync(`${noticeFile}.tmp`, wanted);
  renameSync(`${noticeFile}.tmp`, noticeFile);
  console.log(`NOTICE: ${String(packages.length)} bundled packages`);
} else if (notice !== wanted) {
  console.error(
    `NOTICE does not list the ${String(packages.length)} packages bundled in ${relative(root, outfile)} and dist/cli/ as they are now` +
      ' (a dependency changed?): run `node scripts/bundle-vendored.mjs --write-notice` and commit NOTICE.',
  );
  process.exit(1);
}

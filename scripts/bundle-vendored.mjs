// Replaces dist/engine/vendored.js (tsc's two re-exports) with one bundle of ESLint's Linter and
// @typescript-eslint/utils' RuleCreator and everything they use, so that the package depends on neither
// (engine/vendored.ts says why). Run by `npm run build`, after tsc.
//
// Their licences stay with them: NOTICE ends with the name, version, licence and licence text of every package in
// the bundle. The build fails when that part of NOTICE is not what this bundle holds (after a dependency update);
// `node scripts/bundle-vendored.mjs --write-notice` rewrites it.
import { build } from 'esbuild';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const entry = join(root, 'engine/vendored.ts');
const outfile = join(root, 'dist/engine/vendored.js');
const MARKER = '---- Bundled in dist/engine/vendored.js (written by scripts/bundle-vendored.mjs --write-notice) ----';

// engine/config-array.ts finds ESLint's FlatConfigArray through the devDependency's folder at run time; in the
// bundle it is ESLint's own file, the one its Linter uses, so the package loads no second ESLint.
const eslintDir = dirname(createRequire(entry).resolve('eslint/package.json'));
const configArray = {
  name: 'eslint-config-array',
  setup(b) {
    b.onResolve({ filter: /^\.\/config-array\.js$/ }, () => ({ path: join(eslintDir, 'lib/config/flat-config-array.js') }));
  },
};

const result = await build({
  entryPoints: [entry],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  outfile: `${outfile}.tmp`,
  metafile: true,
  minifySyntax: true,
  minifyWhitespace: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [configArray],
  // The bundled CommonJS calls require() for Node's own modules: give the ES module one.
  banner: { js: "import { createRequire as __vendoredRequire } from 'node:module'; const require = __vendoredRequire(import.meta.url);" },
});
renameSync(`${outfile}.tmp`, outfile);

/** The folder of each package the bundle took code from (nested copies included), by its package.json. */
const folders = new Set();
for (const input of Object.keys(result.metafile.inputs)) {
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
const at = notice.indexOf(MARKER);
const head = (at === -1 ? notice : notice.slice(0, at)).trimEnd();
const wanted = `${head}\n\n${section}`;
if (process.argv.includes('--write-notice')) {
  writeFileSync(`${noticeFile}.tmp`, wanted);
  renameSync(`${noticeFile}.tmp`, noticeFile);
  console.log(`NOTICE: ${String(packages.length)} bundled packages`);
} else if (notice !== wanted) {
  console.error(
    `NOTICE does not list the ${String(packages.length)} packages bundled in ${relative(root, outfile)} as they are now` +
      ' (a dependency changed?): run `node scripts/bundle-vendored.mjs --write-notice` and commit NOTICE.',
  );
  process.exit(1);
}

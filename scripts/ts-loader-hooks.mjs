// Module hooks (node:module register) that run the TypeScript sources as they are, for tests and bench: each .ts
// file is transpiled alone by esbuild (types stripped, as tsconfig's isolatedModules and verbatimModuleSyntax
// allow; no type check: that is `npm run typecheck`), with an inline source map for stack traces and coverage. An
// import of `./x.js` from a .ts file loads `./x.ts` when there is no `./x.js`, as the compiler's NodeNext
// resolution does. Registered by scripts/ts-loader.mjs.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { transform } from 'esbuild';

const TS = /\.[cm]?ts$/;
const JS = /\.[cm]?js$/;

export async function resolve(specifier, context, next) {
  const parent = context.parentURL;
  if (parent?.startsWith('file:') && TS.test(parent) && JS.test(specifier) && /^\.{1,2}\//.test(specifier)) {
    const js = new URL(specifier, parent);
    const ts = new URL(js.href.replace(/js$/, 'ts'));
    if (!existsSync(fileURLToPath(js)) && existsSync(fileURLToPath(ts))) return { url: ts.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !TS.test(url)) return next(url, context);
  const path = fileURLToPath(url);
  const cjs = url.endsWith('.cts');
  const { code } = await transform(await readFile(path, 'utf8'), {
    loader: 'ts',
    format: cjs ? 'cjs' : 'esm',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: path,
    tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, useDefineForClassFields: true } },
  });
  return { format: cjs ? 'commonjs' : 'module', source: code, shortCircuit: true };
}

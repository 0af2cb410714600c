// `node --import ./scripts/ts-loader.mjs file.ts` runs a TypeScript file (a test, a bench, a lab helper) without a
// build: see scripts/ts-loader-hooks.mjs. About three times less CPU per test file than ts-node (tap's default
// TypeScript loader), which transpiles with the TypeScript compiler.
//
// A test that starts a child with `process.execArgv` (a CLI child that loads a .ts plugin) hands it this option
// as written; a relative path would then be looked up from the child's working folder, so it is made absolute here.
import { register } from 'node:module';

register('./ts-loader-hooks.mjs', import.meta.url);

const self = import.meta.url;
const isSelf = (value) => /ts-loader\.mjs$/.test(value) && new URL(value, `file://${process.cwd()}/`).href === self;
const argv = process.execArgv;
for (const [i, arg] of argv.entries()) {
  if (arg.startsWith('--import=') && isSelf(arg.slice('--import='.length))) argv[i] = `--import=${self}`;
  else if (arg === '--import' && i + 1 < argv.length && isSelf(argv[i + 1])) argv[i + 1] = self;
}

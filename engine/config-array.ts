/**
 * ESLint's FlatConfigArray, the class `Linter#verify` builds from a plain config array on every call. It is not a
 * public export of ESLint: here (the sources and the tests) it comes from the devDependency's file; in the package
 * the bundle of `engine/vendored.ts` takes it from the same copy of ESLint as its `Linter`
 * (scripts/bundle-vendored.mjs puts ESLint's file in place of this one), so no second ESLint is loaded. Null when a
 * future ESLint moves it: `engine/lint.ts` then hands plain arrays to `verify` (the same results, slower).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Linter } from 'eslint';

export type ConfigArrayClass = new (configs: Linter.Config[], options: { basePath: string }) => Linter.Config[] & { normalizeSync(): void };

function load(): ConfigArrayClass | null {
  try {
    const require = createRequire(import.meta.url);
    const dir = dirname(require.resolve('eslint/package.json'));
    return (require(join(dir, 'lib/config/flat-config-array.js')) as { FlatConfigArray?: ConfigArrayClass }).FlatConfigArray ?? null;
  } catch {
    /* c8 ignore next -- ESLint is a devDependency: it is there wherever the sources run */
    return null;
  }
}

export const FlatConfigArray: ConfigArrayClass | null = load();

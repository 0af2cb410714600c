/**
 * The only runtime imports of ESLint, @eslint/plugin-kit and @typescript-eslint/utils. In the source (and the
 * tests) they come from the devDependencies; in the package, `npm run build` replaces this file's compiled
 * JavaScript with one bundle of them and what they use (scripts/bundle-vendored.mjs, licences in NOTICE), so
 * `npm install swarmlint` brings neither ESLint nor TypeScript (the peer of @typescript-eslint/utils). ESLint is an
 * optional peer dependency: only `swarmlint/rule-tester` and using the plugin from a project's own ESLint need it.
 */
export { Linter } from 'eslint/universal';
export { RuleCreator } from '@typescript-eslint/utils/eslint-utils';
export { FlatConfigArray } from './config-array.js';
export { ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from '@eslint/plugin-kit';

import type { ESLint, Linter } from 'eslint';
import { rules as builtinRules, type SwarmlintRule } from '../rules/index.js';
import { createLanguage } from '../language/language.js';
import { loadStackText } from '../language/loader/stack.js';
import { loadFactsText } from '../language/loader/facts.js';
import { TOOL_NAME, TOOL_VERSION } from '../language/meta.js';
import type { Root } from '../language/model.js';

/** File patterns the `recommended` config applies the stack language to. */
export const STACK_FILE_PATTERNS = [
  '**/docker-stack*.{yml,yaml}',
  '**/*-stack.{yml,yaml}',
  '**/stack*.{yml,yaml}',
  '**/docker-compose*.swarm.{yml,yaml}',
];

/**
 * Whether a rule serves a document kind, by its `meta.languages` (ESLint's spelling; the built-in rules derive it
 * from `meta.docs.checks`). A rule without it serves every kind. The runner enables a rule only for the kinds it
 * serves: ESLint would refuse the others, and rules that are not enabled cost no start-up.
 */
export function servesKind(rule: SwarmlintRule | undefined, kind: 'stack' | 'facts'): boolean {
  const languages = (rule?.meta as { languages?: readonly string[] } | undefined)?.languages;
  if (!languages) return true;
  return languages.some((l) => l === '*' || l === `${TOOL_NAME}/*` || l === `${TOOL_NAME}/${kind}`);
}

/**
 * The ESLint plugin: languages `swarmlint/stack` and `swarmlint/facts`, the rules, and a `recommended`
 * config. With `preloaded` (the CLI), the languages take finished models instead of parsing text.
 */
export function createPlugin(
  preloaded?: ReadonlyMap<string, Root>,
  rules: Readonly<Record<string, SwarmlintRule>> = builtinRules,
): ESLint.Plugin {
  const plugin: ESLint.Plugin = {
    // `namespace`: rules name their languages `swarmlint/stack` and `swarmlint/facts` whatever prefix a config
    // gives the plugin (as @eslint/json does with `json`).
    meta: { name: TOOL_NAME, version: TOOL_VERSION, namespace: TOOL_NAME },
    languages: {
      stack: createLanguage(loadStackText, preloaded),
      facts: createLanguage(loadFactsText, preloaded),
    },
    rules: rules as unknown as ESLint.Plugin['rules'],
  };
  const recommended: Linter.Config = {
    name: 'swarmlint/recommended',
    files: STACK_FILE_PATTERNS,
    plugins: { [TOOL_NAME]: plugin },
    language: `${TOOL_NAME}/stack`,
    rules: Object.fromEntries(
      Object.entries(rules)
        .filter(([, rule]) => rule.meta.docs?.recommended && servesKind(rule, 'stack')) // ESLint refuses facts-only rules on stack files
        .map(([id, rule]) => [`${TOOL_NAME}/${id}`, rule.meta.docs?.severity === 'error' ? 'error' : 'warn']),
    ),
  };
  plugin.configs = { recommended };
  return plugin;
}

/**
 * swarmlint as a library and as an ESLint plugin.
 *
 *   import swarmlint from 'swarmlint';                       // the ESLint plugin (languages, rules, configs)
 *   import { createRule, report, visit } from 'swarmlint';   // write rules like the built-in ones
 *   import { ruleCreator } from 'swarmlint';                 // a plugin's own createRule, with its own docs URLs
 *   import { lintDocuments, prepareDocument } from 'swarmlint'; // lint from code
 *
 * The rule tester (it loads ESLint's RuleTester) is `swarmlint/rule-tester`.
 */
import { RuleCreator } from '@typescript-eslint/utils/eslint-utils';
import { createPlugin } from './engine/plugin.js';
import type { SwarmlintDocs } from './rules/utils/create-rule.js';

const plugin = createPlugin();
export default plugin;

/**
 * `createRule` for a plugin's rules: the same `createRule({ name, meta, create })` as the built-in rules use,
 * with docs URLs of the plugin's own (`createRule` from this package points at swarmlint's rule pages).
 */
export function ruleCreator(docsUrl: (name: string) => string): ReturnType<typeof RuleCreator<SwarmlintDocs>> {
  return RuleCreator<SwarmlintDocs>(docsUrl);
}

export { createPlugin, STACK_FILE_PATTERNS } from './engine/plugin.js';
export { createRule, report, textOf, visit, type ModelListener, type SwarmlintDocs } from './rules/utils/create-rule.js';
export { clusterOf, settingsOf, type ClusterProfile, type RunContext, type SwarmlintSettings } from './language/settings.js';
export { rules } from './rules/index.js';
export { lintDocuments, type EngineOptions, type LintDocument, type RuleSetting } from './engine/lint.js';
export { prepareDocument, isDocument } from './engine/documents.js';
export { loadStack, type StackSource } from './language/loader/stack.js';
export { loadFacts, FACTS_FORMAT } from './language/loader/facts.js';
export { loadConfig, ConfigError, type ResolvedConfig, type UserConfig } from './engine/config.js';
export { LoadError } from './language/loader/errors.js';
export { reporters } from './reporters/index.js';
export type { Finding, FatalError, LintReport } from './engine/findings.js';
export type { Severity } from './language/meta.js';
export type * from './language/model.js';

/**
 * swarmlint as a library and as an ESLint plugin.
 *
 *   import swarmlint from 'swarmlint';                       // the ESLint plugin (languages, rules, configs)
 *   import { createRule, report, visit } from 'swarmlint';   // write rules like the built-in ones
 *   import { ruleCreator } from 'swarmlint';                 // a plugin's own createRule, with its own docs URLs
 *   import { languages, SwarmlintSourceCode } from 'swarmlint'; // the languages, as @eslint/json exports its own
 *
 * The rule tester (it loads ESLint's RuleTester) is `swarmlint/rule-tester`. Nothing else is public: the
 * loaders, the runner, config and reporters are internal, so moving them is not a breaking change.
 */
import { RuleCreator } from './engine/vendored.js';
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

/** The languages `swarmlint/stack` (stack files) and `swarmlint/facts` (facts documents), as in the plugin. */
export const languages = plugin.languages;
export { SwarmlintSourceCode } from './language/source-code.js';
export { createRule, report, textOf, visit, type ModelListener, type SwarmlintDocs } from './rules/utils/create-rule.js';
export { clusterOf, settingsOf, type ClusterProfile, type RunContext, type SwarmlintSettings } from './language/settings.js';
export type { Severity } from './language/meta.js';
export type * from './language/model.js';

/**
 * swarmlint as a library and as an ESLint plugin.
 *
 *   import swarmlint from 'swarmlint';                       // the ESLint plugin (languages, rules, configs)
 *   import { createRule, report, visit } from 'swarmlint';   // write rules like the built-in ones
 *   import { lintDocuments, prepareDocument } from 'swarmlint'; // lint from code
 *
 * The rule tester (it loads ESLint's RuleTester) is `swarmlint/rule-tester`.
 */
import { createPlugin } from './engine/plugin.js';

const plugin = createPlugin();
export default plugin;

export { createPlugin, STACK_FILE_PATTERNS } from './engine/plugin.js';
export { createRule, report, textOf, visit, type ModelListener, type SwarmlintDocs } from './rules/utils/create-rule.js';
export { clusterOf, settingsOf, type ClusterProfile, type RunContext, type SwarmlintSettings } from './rules/utils/settings.js';
export { rules } from './rules/index.js';
export { lintDocuments, type EngineOptions, type LintDocument, type RuleSetting } from './engine/lint.js';
export { prepareDocument, isDocument } from './engine/documents.js';
export { loadStack, type StackSource } from './engine/loader/stack.js';
export { loadFacts, FACTS_FORMAT } from './engine/loader/facts.js';
export { loadConfig, ConfigError, type ResolvedConfig, type UserConfig } from './engine/config.js';
export { LoadError } from './engine/loader/errors.js';
export { reporters } from './reporters/index.js';
export type { Finding, FatalError, LintReport } from './engine/findings.js';
export type { Severity } from './engine/meta.js';
export type * from './engine/model.js';

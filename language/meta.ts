/** Facts about swarmlint itself that several parts name. */
export const TOOL_NAME = 'swarmlint';
/** package.json's version (test/package/version.ts ties them): the released tag is `v<version>`. */
export const TOOL_VERSION = '0.1.0';
export const HOMEPAGE = 'https://github.com/swarmlint/swarmlint';
/**
 * Where rule pages live, at the tag of this version (the page that matches the rule as this release checks it, not
 * whatever main says later); a rule's docs URL is this plus `<rule-id>.md` (see rules/utils/create-rule.ts).
 */
export const DOCS_BASE = `${HOMEPAGE}/blob/v${TOOL_VERSION}/docs/rules/`;

/** Severities, most severe first. ESLint has only warn and error; the engine keeps ours beside it. */
export const SEVERITIES = ['error', 'warning', 'info', 'suggestion'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

import { RuleCreator } from '../../engine/vendored.js';
import type { RuleContext, RuleFix, RuleFixer, RuleListener } from '@typescript-eslint/utils/ts-eslint';
import { DOCS_BASE, TOOL_NAME, type Severity } from '../../language/meta.js';
import type { ModelNode, Span } from '../../language/model.js';

/** The `meta.docs` of every swarmlint rule. */
export interface SwarmlintDocs {
  description: string;
  /** Default severity when the rule is on. */
  severity: Severity;
  /** In the `recommended` config. */
  recommended: boolean;
  /** How to fix it, in a sentence or three of markdown: shown with findings and as SARIF `help`. */
  remediation: string;
  /** Messages that are never more severe than this, whatever the rule's severity (e.g. "nearly full"). */
  messageSeverity?: Record<string, Severity>;
  /**
   * What the rule checks: stack files, audit facts, preflight facts. Its `meta.languages` come from this (stack
   * files are `swarmlint/stack`, audit and preflight `swarmlint/facts`), the runner enables it only for those
   * documents, and its doc page's "Checks" column says the same (test/helpers/rule-docs.ts). Required for the
   * built-in rules; a plugin rule without it runs on every document.
   */
  checks?: readonly Checked[];
}

/** The documents a rule can check. */
export type Checked = 'stack' | 'audit' | 'preflight';

/** The ESLint languages (`meta.languages`) that hold the documents a rule checks. */
export function languagesOf(checks: readonly Checked[]): string[] {
  const out: string[] = [];
  if (checks.includes('stack')) out.push(`${TOOL_NAME}/stack`);
  if (checks.includes('audit') || checks.includes('preflight')) out.push(`${TOOL_NAME}/facts`);
  return out;
}

const builtinCreator = RuleCreator<SwarmlintDocs>((name) => `${DOCS_BASE}${name}.md`);

/**
 * `createRule({ name, meta, create })`: the docs URL comes from the rule id, options get their defaults, and
 * `meta.languages` comes from `meta.docs.checks`.
 */
export const createRule: typeof builtinCreator = (rule) => {
  const created = builtinCreator(rule);
  const checks = rule.meta.docs.checks;
  if (checks) Object.assign(created.meta, { languages: languagesOf(checks) });
  // Without defaults, RuleCreator's merge (a structuredClone per rule and document) gives `[]` whatever the
  // options are: give it directly.
  const defaults =
    (rule.meta as { defaultOptions?: readonly unknown[] }).defaultOptions ??
    (rule as { defaultOptions?: readonly unknown[] }).defaultOptions;
  if (defaults === undefined || defaults.length === 0) {
    const { create } = rule;
    created.create = (context) => create(context, [] as unknown as Parameters<typeof create>[1]);
  }
  return created;
};

type AnyContext = Readonly<RuleContext<string, readonly unknown[]>>;

/**
 * Reports at a model span (a node, or one of its `at` fields). Rules report by location rather than by node:
 * our nodes are not ESTree nodes, and the location is all ESLint needs.
 */
export function report<M extends string>(
  context: Readonly<RuleContext<M, readonly unknown[]>>,
  at: Span,
  messageId: M,
  data?: Record<string, string | number>,
  fix?: (fixer: RuleFixer) => RuleFix | null,
): void {
  context.report({ loc: at.loc, messageId, ...(data ? { data } : {}), ...(fix ? { fix } : {}) });
}

/** The source text of a span (for fixes that keep what was written). */
export function textOf(context: AnyContext, at: Span): string {
  return context.sourceCode.text.slice(at.range[0], at.range[1]);
}

type NodeOfType<K extends ModelNode['type']> = Extract<ModelNode, { type: K }>;

/** Visitors over the model, typed by node type (`Service(node)` gets a `Service`), entry and `:exit`. */
export type ModelListener = { [K in ModelNode['type']]?: (node: NodeOfType<K>) => void } & {
  [K in ModelNode['type'] as `${K}:exit`]?: (node: NodeOfType<K>) => void;
};

/** Returns typed visitors as the listener ESLint expects. */
export function visit(listener: ModelListener): RuleListener {
  return listener;
}

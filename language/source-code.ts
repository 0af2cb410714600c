import { ConfigCommentParser, Directive, TextSourceCodeBase, VisitNodeStep } from '../engine/vendored.js';
import type { FileProblem, RulesConfig, SourceLocation as CoreLocation } from '@eslint/core';
import { visitorKeys, type BaseNode, type Comment, type Root } from './model.js';

export const PLUGIN_NAME = 'swarmlint';
const commentParser = new ConfigCommentParser();

/**
 * Inline directives in YAML comments, in ESLint's spelling (`# eslint-disable-next-line swarmlint/overlay-mtu
 * -- reason`) or ours (`# swarmlint-disable-next-line overlay-mtu -- reason`), where rule ids may omit the
 * `swarmlint/` prefix.
 */
const DIRECTIVE = /^\s*(eslint|swarmlint)(-enable|-disable(?:-next-line|-line)?)?(?:\s|$)/u;

type DirectiveType = 'disable' | 'enable' | 'disable-next-line' | 'disable-line';

export class SwarmlintSourceCode extends TextSourceCodeBase<{
  LangOptions: Record<string, unknown>;
  RootNode: Root;
  SyntaxElementWithLoc: BaseNode | Comment;
  ConfigNode: Comment;
}> {
  override readonly ast: Root;
  readonly comments: Comment[];
  readonly #parents = new WeakMap<object, BaseNode>();
  #steps: VisitNodeStep[] | undefined;
  #inline: Comment[] | undefined;

  constructor(text: string, ast: Root) {
    super({ text, ast, lineEndingPattern: /\r\n|[\r\n]/u });
    this.ast = ast;
    this.comments = ast.comments;
  }

  getInlineConfigNodes(): Comment[] {
    this.#inline ??= this.comments.filter((c) => DIRECTIVE.test(c.value));
    return this.#inline;
  }

  getDisableDirectives(): { problems: FileProblem[]; directives: Directive[] } {
    const problems: FileProblem[] = [];
    const directives: Directive[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const parsed = commentParser.parseDirective(comment.value);
      if (!parsed) continue;
      const m = /^(eslint|swarmlint)-(enable|disable(?:-next-line|-line)?)$/u.exec(parsed.label);
      if (!m) continue;
      const ours = m[1] === PLUGIN_NAME;
      const value = ours ? qualify(parsed.value) : parsed.value;
      directives.push(new Directive({ type: m[2] as DirectiveType, node: comment, value, justification: parsed.justification }));
    }
    return { problems, directives };
  }

  /** `# eslint swarmlint/overlay-mtu: [warn, {underlayMtu: 1400}]` style comments are not supported in YAML. */
  applyInlineConfig(): { configs: { config: { rules: RulesConfig }; loc: CoreLocation }[]; problems: FileProblem[] } {
    const problems: FileProblem[] = [];
    for (const comment of this.getInlineConfigNodes()) {
      const label = /^\s*(eslint|swarmlint)(?:\s|$)/u.exec(comment.value);
      if (label) {
        problems.push({
          ruleId: null,
          message: 'inline rule configuration is not supported in stack files; use the config file',
          loc: comment.loc,
        });
      }
    }
    return { configs: [], problems };
  }

  override getParent(node: BaseNode | Comment): BaseNode | undefined {
    return this.#parents.get(node);
  }

  override traverse(): Iterable<VisitNodeStep> {
    if (this.#steps) return this.#steps.values();
    const steps: VisitNodeStep[] = [];
    const visit = (node: BaseNode, parent: BaseNode | undefined): void => {
      if (parent) this.#parents.set(node, parent);
      steps.push(new VisitNodeStep({ target: node, phase: 1, args: [node, parent] }));
      for (const key of visitorKeys[node.type] ?? []) {
        const child = (node as unknown as Record<string, unknown>)[key];
        if (Array.isArray(child)) for (const c of child as BaseNode[]) visit(c, node);
        else if (child && typeof child === 'object') visit(child as BaseNode, node);
      }
      steps.push(new VisitNodeStep({ target: node, phase: 2, args: [node, parent] }));
    };
    visit(this.ast, undefined);
    this.#steps = steps;
    return steps.values();
  }
}

/** `overlay-mtu, swarmlint/x` → `swarmlint/overlay-mtu, swarmlint/x` (ids of other plugins are left alone). */
function qualify(list: string): string {
  return list
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
    .map((id) => (id.includes('/') ? id : `${PLUGIN_NAME}/${id}`))
    .join(', ');
}

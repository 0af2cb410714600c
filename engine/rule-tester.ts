import { RuleTester } from 'eslint';
import type { ClusterProfile, RunContext } from '../language/settings.js';
import type { SwarmlintRule } from '../rules/index.js';
import { TOOL_NAME } from '../language/meta.js';
import { createPlugin } from './plugin.js';

/** The message ids a rule module declares, so a test naming one it lacks does not compile. */
type MessageIdsOf<R> = R extends { meta: { messages: Record<infer M, string> } } ? M & string : string;
type OptionsOf<R> = R extends { defaultOptions: readonly (infer E)[] } ? (E extends object ? Partial<E>[] : E[]) : unknown[];

export interface ValidCase<R> {
  /** A stack file (or, with `language: 'facts'`, a facts document). */
  code: string;
  name?: string;
  options?: OptionsOf<R>;
  /** What is known about the cluster (the config file's `cluster`, or `--cluster-facts`). */
  cluster?: ClusterProfile;
  /** Ports published by other documents of the run. */
  run?: RunContext;
  only?: boolean;
}

export interface ExpectedError<R> {
  messageId: MessageIdsOf<R>;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  data?: Record<string, string | number>;
}

export interface InvalidCase<R> extends ValidCase<R> {
  errors: ExpectedError<R>[];
  /** The text after `--fix`, or null when the rule must not fix this. */
  output?: string | null;
}

/**
 * Table tests for a rule, run by ESLint's own RuleTester over our language: positions, message ids and data,
 * fix output, option schemas. Set `RuleTester.describe`/`RuleTester.it` to your test framework's functions
 * (test/helpers/tap.ts does it for tap).
 */
export function testRule<R extends SwarmlintRule>(
  name: string,
  rule: R,
  cases: { valid: (string | ValidCase<R>)[]; invalid: InvalidCase<R>[] },
  language: 'stack' | 'facts' = 'stack',
): void {
  const tester = new RuleTester({ plugins: { [TOOL_NAME]: createPlugin() }, language: `${TOOL_NAME}/${language}` });
  const filename = language === 'stack' ? 'docker-stack.yml' : 'facts.json';
  const settings = (c: ValidCase<R>): { settings?: Record<string, unknown> } =>
    c.cluster || c.run
      ? {
          settings: { [TOOL_NAME]: { ...(c.cluster ? { cluster: c.cluster } : {}), ...(c.run ? { run: c.run } : {}) } },
        }
      : {};
  const common = (c: ValidCase<R>) => ({
    code: c.code,
    filename,
    ...(c.name ? { name: c.name } : {}),
    ...(c.options ? { options: c.options } : {}),
    ...(c.only ? { only: true } : {}),
    ...settings(c),
  });
  tester.run(name, rule as never, {
    valid: cases.valid.map((c) => (typeof c === 'string' ? { code: c, filename } : common(c))),
    invalid: cases.invalid.map((c) => ({ ...common(c), errors: c.errors, ...(c.output !== undefined ? { output: c.output } : {}) })),
  });
}

export { RuleTester };

// Real lint reports for reporter tests: stack texts linted by the engine with built-in rules and the example
// plugin, and the rule descriptors the CLI would pass. Not a test file.
import { join } from 'node:path';
import type { ESLint } from 'eslint';
import { describeRules } from '../../cli/output.js';
import { isDocument, prepareDocument } from '../../engine/documents.js';
import type { LintReport } from '../../engine/findings.js';
import { lintDocuments, type LintDocument, type RuleSetting } from '../../engine/lint.js';
import { rules as builtinRules } from '../../rules/index.js';
import type { ReportContext } from '../../reporters/types.js';
import example from '../../fixtures/plugins/example/index.js';

export const plugins: Record<string, ESLint.Plugin> = { example: example as unknown as ESLint.Plugin };

export const RULES: Record<string, RuleSetting> = {
  'dnsrr-ingress-port': { severity: 'error', options: [] },
  'swarm-ignored-key': { severity: 'warning', options: [] },
  schema: { severity: 'error', options: [] },
  'example/explicit-image-tag': { severity: 'suggestion', options: [] },
};

/** Lints files (path relative to cwd → text), each its own stack, and returns the report and reporter context. */
export function lintTexts(
  cwd: string,
  files: Record<string, string>,
  rules: Record<string, RuleSetting> = RULES,
): { report: LintReport; context: ReportContext; documents: LintDocument[] } {
  const documents = Object.entries(files).map(([path, text]) => {
    const doc = prepareDocument([{ path: join(cwd, path), text }]);
    if (!isDocument(doc)) throw new Error(`${path}: ${doc.message}`);
    return doc;
  });
  const report = lintDocuments(documents, { rules, plugins });
  return { report, documents, context: { cwd, rules: describeRules(report, builtinRules, plugins), color: false, command: 'lint' } };
}

/** dnsrr-ingress-port at 6:9 (error), swarm-ignored-key at 4:5 (warning), example/explicit-image-tag at 3:12 (fixable). */
export const STACK_A = `services:
  web:
    image: nginx
    container_name: web
    ports:
      - "80:80"
    deploy:
      endpoint_mode: dnsrr
`;

/** swarm-ignored-key at 4:5 only. */
export const STACK_B = `services:
  api:
    image: registry.example/api:1.4
    restart: "no"
`;

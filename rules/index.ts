/**
 * The registry of built-in rules, sorted by id. A rule's id is its file name; test/rules/registry.ts keeps
 * this list, the files, the doc pages and the tests in step.
 */
import type { RuleModule } from '@typescript-eslint/utils/ts-eslint';
import type { SwarmlintDocs } from './utils/create-rule.js';
import dnsrrIngressPort from './dnsrr-ingress-port.js';
import interpolation from './interpolation.js';
import schema from './schema.js';
import swarmIgnoredKey from './swarm-ignored-key.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rules differ in message ids and options
export type SwarmlintRule = RuleModule<string, readonly any[], SwarmlintDocs>;

export const rules: Readonly<Record<string, SwarmlintRule>> = {
  'dnsrr-ingress-port': dnsrrIngressPort,
  interpolation,
  schema,
  'swarm-ignored-key': swarmIgnoredKey,
};

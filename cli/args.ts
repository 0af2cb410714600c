import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './exit.js';

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** `util.parseArgs`, with its errors turned into one-line usage errors. */
export function parse(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true, allowNegative: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

/** What every command that reports takes: the format and destination, the config, the threshold, colour, help. */
const REPORT_OPTIONS = {
  format: { type: 'string', short: 'f' },
  'output-file': { type: 'string', short: 'o' },
  config: { type: 'string' },
  rule: { type: 'string', multiple: true },
  'failure-threshold': { type: 'string' },
  'max-warnings': { type: 'string' },
  color: { type: 'boolean' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const LINT_OPTIONS = {
  'compose-file': { type: 'string', short: 'c', multiple: true },
  merge: { type: 'string', multiple: true },
  'env-file': { type: 'string' },
  'cluster-facts': { type: 'string' },
  fix: { type: 'boolean' },
  'fix-dry-run': { type: 'boolean' },
  'same-swarm': { type: 'boolean' },
  'stack-name': { type: 'string' },
  ...REPORT_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

export const AUDIT_OPTIONS = {
  'docker-host': { type: 'string' },
  timeout: { type: 'string' },
  deadline: { type: 'string' },
  'save-facts': { type: 'string' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  deep: { type: 'boolean' },
  'deep-image': { type: 'string' },
  'deep-no-encrypted': { type: 'boolean' },
  'deep-constraint': { type: 'string', multiple: true },
  'deep-deadline': { type: 'string' },
  ...REPORT_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

export const PREFLIGHT_OPTIONS = {
  manager: { type: 'string', multiple: true },
  peer: { type: 'string', multiple: true },
  'manager-docker-host': { type: 'string' },
  'docker-host': { type: 'string' },
  'data-path-port': { type: 'string' },
  timeout: { type: 'string' },
  deadline: { type: 'string' },
  listen: { type: 'boolean' },
  'listen-address': { type: 'string' },
  'save-facts': { type: 'string' },
  ...REPORT_OPTIONS,
} as const satisfies ParseArgsConfig['options'];

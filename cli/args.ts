import { parseArgs, type ParseArgsConfig } from 'node:util';
import { didYouMean } from '../engine/suggest.js';
import { UsageError } from './exit.js';

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

/** `util.parseArgs`, with its errors turned into one-line usage errors. */
export function parse(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): ParsedArgs {
  // `--max-warnings -1`: parseArgs takes a value that starts with a dash for an option; a negative number after
  // an option that takes a value is that value (as ESLint reads it).
  const joined: string[] = [];
  const end = args.indexOf('--');
  for (let i = 0; i < args.length; i++) {
    const arg = String(args[i]);
    if (end !== -1 && i >= end) {
      joined.push(arg);
      continue;
    }
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : Object.entries(options).find(([, o]) => arg === `-${String(o.short)}`)?.[0];
    if (name !== undefined && options[name]?.type === 'string' && next !== undefined && /^-\d+$/.test(next)) {
      joined.push(`--${name}=${next}`);
      i++;
    } else joined.push(arg);
  }
  try {
    const { values, positionals } = parseArgs({ args: joined, options, allowPositionals: true, strict: true, allowNegative: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    // Node's "Unknown option '--max-warning'": name the option meant, as for rule ids.
    const unknown = /^Unknown option '(-{1,2})([^']+)'/.exec(message);
    const names = Object.entries(options).flatMap(([name, o]) => [name, ...(o.type === 'boolean' ? [`no-${name}`] : [])]);
    const hint = unknown?.[1] === '--' ? didYouMean(unknown[2] ?? '', names, (n) => `--${n}`) : '';
    throw new UsageError(`${message}${hint}`);
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
  quiet: { type: 'boolean', short: 'q' },
  'sarif-root': { type: 'string' },
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
  'print-stack': { type: 'boolean' },
  stdin: { type: 'boolean' },
  'stdin-filename': { type: 'string' },
  'print-config': { type: 'string' },
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
  'deep-sample': { type: 'string' },
  'deep-seed': { type: 'string' },
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

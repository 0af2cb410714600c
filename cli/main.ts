#!/usr/bin/env node
// swarmlint: lint stack files, pre-flight a join, audit a cluster. Exit codes as ESLint: 0, 1, 2.
import module from 'node:module';
import { AUDIT_OPTIONS, LINT_OPTIONS, PREFLIGHT_OPTIONS, parse } from './args.js';
import { didYouMean } from '../engine/suggest.js';
import { UsageError } from './exit.js';
import { TOOL_VERSION } from '../language/meta.js';

const HELP = `Usage: swarmlint <command> [options]

Checks that Docker Swarm overlay networking will work before it breaks in production.

Commands:
  lint FILE...     lint stack files (the CI gate)       swarmlint lint --help
  preflight        check a host before it joins         swarmlint preflight --help
  audit            audit a running swarm (cron)         swarmlint audit --help
  rules            list the rules (--format json)
  help [COMMAND]   this help, a command's, or the rules (help rules --format json)

Options:
  -h, --help       this help
  -v, --version    the version`;

// Node's on-disk compile cache (Node 22.1 and later; absent in Node 20, where this does nothing): the modules a
// command loads (all but these first few) are compiled from the cache on the next run.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const COMMANDS = ['lint', 'preflight', 'audit', 'rules', 'help'];

/** `swarmlint rules [--format text|json]` (and `help rules`). */
async function rules(args: readonly string[]): Promise<number> {
  const { values } = parse(args, { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } });
  const { RULES_HELP, listRules, rulesJson } = await import('./rules.js');
  if (values.help) {
    process.stdout.write(`${RULES_HELP}\n`);
    return 0;
  }
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`unknown format "${format}"${didYouMean(format, ['text', 'json'])} (rules: one of text, json)`);
  process.stdout.write(format === 'json' ? rulesJson() : listRules());
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const debug = argv.includes('--debug');
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
        process.stdout.write(`${HELP}\n`);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        process.stdout.write(`${TOOL_VERSION}\n`);
        return 0;
      case 'lint': {
        const args = parse(rest, LINT_OPTIONS);
        const { LINT_HELP, runLint } = await import('./lint.js');
        if (args.values.help) {
          process.stdout.write(`${LINT_HELP}\n`);
          return 0;
        }
        return await runLint(args, process.cwd());
      }
      case 'preflight': {
        const args = parse(rest, PREFLIGHT_OPTIONS);
        const { PREFLIGHT_HELP, runPreflight } = await import('./preflight.js');
        if (args.values.help) {
          process.stdout.write(`${PREFLIGHT_HELP}\n`);
          return 0;
        }
        return await runPreflight(args, process.cwd());
      }
      case 'audit': {
        const args = parse(rest, AUDIT_OPTIONS);
        const { AUDIT_HELP, runAudit } = await import('./audit.js');
        if (args.values.help) {
          process.stdout.write(`${AUDIT_HELP}\n`);
          return 0;
        }
        return await runAudit(args, process.cwd());
      }
      case 'deep-probe': {
        // The agent of `audit --deep` (docs/deep-audit.md); not in the command list above.
        const { runDeepProbeCli } = await import('./deep-probe.js');
        return await runDeepProbeCli(rest);
      }
      case 'rules':
        return await rules(rest);
      case 'help': {
        const [topic, ...more] = rest;
        if (topic === undefined) {
          process.stdout.write(`${HELP}\n`);
          return 0;
        }
        if (topic === 'rules') return await rules(more);
        const topics = ['lint', 'preflight', 'audit', 'rules'];
        if (more.length > 0 || !topics.includes(topic))
          throw new UsageError(`help: no such topic "${rest.join(' ')}"${didYouMean(topic, topics)} (one of: ${topics.join(', ')})`);
        return await main([topic, '--help']);
      }
      default:
        throw new UsageError(`unknown command "${command}"${didYouMean(command, COMMANDS)} (swarmlint --help)`);
    }
  } catch (error) {
    return fail(error, debug);
  }
}

function fail(thrown: unknown, debug: boolean): number {
  // Anything may be thrown (a plugin's `throw "text"`); make it an Error to read one way.
  const e: Error & { file?: string; line?: number; column?: number } = thrown instanceof Error ? thrown : new Error(String(thrown));
  const at = [e.file, e.line, e.column].filter((x) => x !== undefined).join(':');
  const known = ['UsageError', 'ConfigError', 'LoadError', 'EndpointError', 'EngineApiError', 'NotAManagerError', 'BaselineError'].includes(
    e.name,
  );
  process.stderr.write(`swarmlint: ${at ? `${at}: ` : ''}${known ? '' : 'internal error: '}${e.message}\n`);
  if (debug) process.stderr.write(`${String(e.stack)}\n`);
  else if (!known) process.stderr.write('(run with --debug for the stack trace)\n');
  return 2;
}

process.exitCode = await main(process.argv.slice(2));

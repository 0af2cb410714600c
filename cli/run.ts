// The commands: `main(argv, io)` runs one with the given streams, environment and working folder, and returns
// its exit code (ESLint's: 0, 1, 2). cli/main.ts, the binary, gives it the process's; tests their own.
import { AUDIT_OPTIONS, LINT_OPTIONS, PREFLIGHT_OPTIONS, parse } from './args.js';
import { didYouMean } from '../engine/suggest.js';
import { UsageError } from './exit.js';
import { TOOL_VERSION } from '../language/meta.js';
import type { CliIo } from './io.js';

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

const COMMANDS = ['lint', 'preflight', 'audit', 'rules', 'help'];

/** `swarmlint rules [--format text|json]` (and `help rules`). */
async function rules(args: readonly string[], io: CliIo): Promise<number> {
  const { values } = parse(args, { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } });
  const { RULES_HELP, listRules, rulesJson } = await import('./rules.js');
  if (values.help) {
    io.stdout.write(`${RULES_HELP}\n`);
    return 0;
  }
  const format = (values.format as string | undefined) ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`unknown format "${format}"${didYouMean(format, ['text', 'json'])} (rules: one of text, json)`);
  io.stdout.write(format === 'json' ? rulesJson() : listRules());
  return 0;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  const debug = argv.includes('--debug');
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
        io.stdout.write(`${HELP}\n`);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        io.stdout.write(`${TOOL_VERSION}\n`);
        return 0;
      case 'lint': {
        const args = parse(rest, LINT_OPTIONS);
        const { LINT_HELP, runLint } = await import('./lint.js');
        if (args.values.help) {
          io.stdout.write(`${LINT_HELP}\n`);
          return 0;
        }
        return await runLint(args, io.cwd, io);
      }
      case 'preflight': {
        const args = parse(rest, PREFLIGHT_OPTIONS);
        const { PREFLIGHT_HELP, runPreflight } = await import('./preflight.js');
        if (args.values.help) {
          io.stdout.write(`${PREFLIGHT_HELP}\n`);
          return 0;
        }
        return await runPreflight(args, io.cwd, io);
      }
      case 'audit': {
        const args = parse(rest, AUDIT_OPTIONS);
        const { AUDIT_HELP, runAudit } = await import('./audit.js');
        if (args.values.help) {
          io.stdout.write(`${AUDIT_HELP}\n`);
          return 0;
        }
        return await runAudit(args, io.cwd, io);
      }
      case 'deep-probe': {
        // The agent of `audit --deep` (docs/deep-audit.md); not in the command list above.
        const { runDeepProbeCli } = await import('./deep-probe.js');
        return await runDeepProbeCli(rest);
      }
      case 'rules':
        return await rules(rest, io);
      case 'help': {
        const [topic, ...more] = rest;
        if (topic === undefined) {
          io.stdout.write(`${HELP}\n`);
          return 0;
        }
        if (topic === 'rules') return await rules(more, io);
        const topics = ['lint', 'preflight', 'audit', 'rules'];
        if (more.length > 0 || !topics.includes(topic))
          throw new UsageError(`help: no such topic "${rest.join(' ')}"${didYouMean(topic, topics)} (one of: ${topics.join(', ')})`);
        return await main([topic, '--help'], io);
      }
      default:
        throw new UsageError(`unknown command "${command}"${didYouMean(command, COMMANDS)} (swarmlint --help)`);
    }
  } catch (error) {
    return fail(error, debug, io);
  }
}

function fail(thrown: unknown, debug: boolean, io: CliIo): number {
  // Anything may be thrown (a plugin's `throw "text"`); make it an Error to read one way.
  const e: Error & { file?: string; line?: number; column?: number } = thrown instanceof Error ? thrown : new Error(String(thrown));
  const at = [e.file, e.line, e.column].filter((x) => x !== undefined).join(':');
  const known = ['UsageError', 'ConfigError', 'LoadError', 'EndpointError', 'EngineApiError', 'NotAManagerError', 'BaselineError'].includes(
    e.name,
  );
  io.stderr.write(`swarmlint: ${at ? `${at}: ` : ''}${known ? '' : 'internal error: '}${e.message}\n`);
  if (debug) io.stderr.write(`${String(e.stack)}\n`);
  else if (!known) io.stderr.write('(run with --debug for the stack trace)\n');
  return 2;
}

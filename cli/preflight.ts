import { lookup } from 'node:dns/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../engine/config.js';
import { lintDocuments } from '../engine/lint.js';
import type { PreflightFacts } from '../language/facts-format.js';
import { rules as builtinRules } from '../rules/index.js';
import type { ParsedArgs } from './args.js';
import { UsageError } from './exit.js';
import { processStreams, type Streams } from './io.js';
import { finish, formatsFor, limits, readReportOptions, shown, type ReportOptions } from './report-options.js';
import { describeRules, drawing, factsDocument, useColor, writeReport } from './output.js';

export const PREFLIGHT_HELP = `Usage: swarmlint preflight --manager ADDR[:PORT] [--peer ADDR]... [options]
       swarmlint preflight --listen [options]

Checks, on a host about to join a swarm, what the join and the overlay networks need: this host's interfaces,
routes, firewall, listeners, kernel modules and engine, and its paths to the manager and peers (TCP 2377 and
7946, UDP 7946 and 4789, ICMP and the path MTU with DF set). Nothing is written anywhere.

Options:
      --manager ADDR[:PORT]        a manager (control port 2377 unless given); repeatable
      --peer ADDR                  another node; repeatable
      --manager-docker-host HOST   the manager's Engine API (tcp://, ssh://, unix://): the swarm's networks,
                                   ingress subnet and MTU, address pools, data-path port, engine versions
      --docker-host HOST           this host's engine (default: DOCKER_HOST, DOCKER_CONTEXT, the default socket)
      --data-path-port N           the swarm's VXLAN port, if not 4789
      --timeout SECONDS            per command, connection or echo (default 2)
      --deadline SECONDS           for the whole run (default 20; with --listen, how long to listen: 600)
      --listen                     answer the probes of \`swarmlint preflight\` run on other hosts (UDP needs it
                                   to prove a path): binds 2377/tcp, 7946/tcp+udp and the data-path port/udp
      --listen-address ADDR        the address to listen on (default 0.0.0.0)
  -f, --format NAME                stylish (default), json, sarif, github, gitlab, html
  -o, --output-file FILE           write the report to FILE
      --save-facts FILE            save the facts; \`swarmlint lint FILE\` re-checks them offline
      --config FILE, --rule ID:SEVERITY, --failure-threshold S, --max-warnings N (-1: no limit)
  -q, --quiet                      report errors only
      --color, --no-color, --debug
  -h, --help

ICMP needs root or CAP_NET_RAW; without it those checks are reported as skipped, and the others still run.
With --listen on a host already in a swarm, dockerd and the kernel hold the swarm ports: the responder says
which it could not bind, and probes of those ports are reported as not proven.

Exit: 0 clean, 1 findings at or over the threshold, 2 for usage and configuration errors.`;

function seconds(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a number of seconds`);
  return n;
}

function port(value: string, what: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new UsageError(`${what}: ${value} is not a port (1-65535)`);
  return n;
}

/** `10.0.0.1`, `10.0.0.1:2377`, `[fd00::1]:2377`, `fd00::1`, `manager-1:2377` → host and port. */
export function splitHostPort(text: string, defaultPort: number, what: string): { host: string; port: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) return { host: String(bracketed[1]), port: bracketed[2] ? port(bracketed[2], what) : defaultPort };
  const colons = text.split(':').length - 1;
  if (colons === 1) {
    const [host = '', p = ''] = text.split(':');
    if (!host) throw new UsageError(`${what}: no address in "${text}"`);
    return { host, port: port(p, what) };
  }
  if (!text) throw new UsageError(`${what}: an address is needed`);
  return { host: text, port: defaultPort };
}

/** A name to an address (probes need addresses: ICMP, firewall rules); addresses are kept as they are. */
export async function address(
  host: string,
  what: string,
  timeoutMs = 5000,
  resolver: (name: string) => Promise<{ address: string }> = lookup,
): Promise<string> {
  if (/^[\d.]+$/.test(host) || host.includes(':')) return host;
  // getaddrinfo cannot be cancelled: the run goes on without it after the timeout.
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${String(timeoutMs)} ms`));
    }, timeoutMs);
  });
  const found = await Promise.race([resolver(host), late]).then(
    (r) => r.address,
    (error: unknown) => new UsageError(`${what} ${host}: cannot resolve it (${(error as Error).message})`),
  );
  clearTimeout(timer);
  if (found instanceof UsageError) throw found;
  return found;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

const MARK = { ok: 'ok', skipped: 'skipped', error: 'FAILED' } as const;

export interface PreflightRequest {
  managers: { address: string; port: number }[];
  peers: string[];
  dataPathPort?: number;
  timeoutMs: number;
  deadlineMs: number;
}

/** The probing part of the arguments, checked; names resolved to addresses. */
export async function preflightRequest(args: ParsedArgs): Promise<PreflightRequest> {
  const v = args.values;
  if (args.positionals.length > 0) throw new UsageError(`preflight takes no files (got ${args.positionals.join(' ')})`);
  const timeoutMs = seconds(v.timeout, 'timeout', 2) * 1000;
  const named = await Promise.all(
    strings(v.manager).map(async (m) => {
      const { host, port: p } = splitHostPort(m, 2377, '--manager');
      return { address: await address(host, '--manager', timeoutMs), port: p };
    }),
  );
  const managers = named.filter((m, i) => named.findIndex((x) => x.address === m.address) === i);
  const peers = [
    ...new Set(await Promise.all(strings(v.peer).map((p) => address(splitHostPort(p, 0, '--peer').host, '--peer', timeoutMs)))),
  ].filter((p) => !managers.some((m) => m.address === p));
  const dataPathPort = v['data-path-port'] !== undefined ? port(v['data-path-port'] as string, '--data-path-port') : undefined;
  return {
    managers,
    peers,
    ...(dataPathPort !== undefined ? { dataPathPort } : {}),
    timeoutMs,
    deadlineMs: seconds(v.deadline, 'deadline', v.listen ? 600 : 20) * 1000,
  };
}

export async function runPreflight(args: ParsedArgs, cwd: string, io: Streams = processStreams()): Promise<number> {
  const v = args.values;
  // Every usage value is checked before any name is resolved or probe run.
  const options = readReportOptions(v, cwd, formatsFor('preflight'));
  const request = await preflightRequest(args);
  if (v.listen) {
    return listen(io, {
      deadlineMs: request.deadlineMs,
      dataPathPort: request.dataPathPort ?? 4789,
      allow: [...request.managers.map((m) => m.address), ...request.peers],
      ...(v['listen-address'] ? { address: v['listen-address'] as string } : {}),
    });
  }
  if (request.managers.length === 0) throw new UsageError('preflight needs --manager ADDR (the manager this host will join), or --listen');
  const config = await loadConfig({
    cwd,
    ...(v.config ? { configPath: v.config as string } : {}),
    ruleOverrides: (v.rule as string[] | undefined) ?? [],
  });
  /* c8 ignore start -- probing needs root, an engine and peers: test/lab/preflight.ts runs it on the lab */
  const started = performance.now();
  const { collectPreflight } = await import('../probes/preflight.js');
  const progress = io.stderr.isTTY === true;
  const facts = await collectPreflight({
    ...request,
    ...(v['docker-host'] ? { dockerHost: v['docker-host'] as string } : {}),
    ...(v['manager-docker-host'] ? { managerDockerHost: v['manager-docker-host'] as string } : {}),
    ...(progress
      ? {
          onProgress: (event) => {
            if (event.phase === 'done') {
              io.stderr.write(`  ${MARK[event.status ?? 'ok'].padEnd(7)} ${event.probe} (${String(Math.round(event.ms ?? 0))} ms)\n`);
            }
          },
        }
      : {}),
  });
  if (progress) io.stderr.write('\n');
  return reportPreflight(facts, { args, cwd, config, options, started, io });
}
/* c8 ignore stop */

/** Saves the facts when asked, lints them like a saved facts file, and reports: the exit code. */
export async function reportPreflight(
  facts: PreflightFacts,
  options: {
    args: ParsedArgs;
    cwd: string;
    config: Awaited<ReturnType<typeof loadConfig>>;
    options: ReportOptions;
    started: number;
    io?: Streams;
  },
): Promise<number> {
  const { args, cwd, config } = options;
  const io = options.io ?? processStreams();
  const v = args.values;
  const savedAs = v['save-facts'] ? resolve(cwd, v['save-facts'] as string) : undefined;
  const document = factsDocument(facts, savedAs, `preflight of ${facts.source}`);
  const report = lintDocuments([document], {
    root: options.options.root,
    rules: config.rules,
    plugins: config.plugins,
    cluster: config.cluster,
    unusedSuppressions: 'off',
  });
  const { format, outputFile } = options.options;
  await writeReport(
    shown(report, options.options),
    format,
    {
      cwd,
      root: options.options.root,
      rules: describeRules(report, builtinRules, config.plugins, format),
      color: useColor(format, outputFile, options.options.color, io),
      command: 'preflight',
      durationMs: performance.now() - options.started,
      ...(savedAs ? { factsFile: savedAs } : {}),
      ...drawing(format, [document], config.cluster),
    },
    outputFile,
    io,
  );
  return finish(report, options.options, limits(options.options, config), (line) => io.stderr.write(line));
}

/** `--listen`: the responder, until the deadline or SIGINT/SIGTERM. */
async function listen(
  io: Streams,
  options: { deadlineMs: number; dataPathPort: number; allow: string[]; address?: string },
): Promise<number> {
  const { startResponder, specsText } = await import('../probes/paths/responder.js');
  const specs = [
    { port: 2377, protocol: 'tcp' as const },
    { port: 7946, protocol: 'tcp' as const },
    { port: 7946, protocol: 'udp' as const },
    { port: options.dataPathPort, protocol: 'udp' as const },
  ];
  const log = (line: string): void => {
    io.stderr.write(`swarmlint preflight --listen: ${line}\n`);
  };
  const responder = await startResponder({
    specs,
    ...(options.address ? { address: options.address } : {}),
    allow: options.allow,
    onProbe: (from, spec) => {
      log(`answered ${from} on ${String(spec.port)}/${spec.protocol}`);
    },
  });
  for (const h of responder.held) log(`could not bind ${String(h.spec.port)}/${h.spec.protocol}: ${h.reason}`);
  if (responder.bound.length === 0) {
    throw new UsageError(
      'nothing to listen on: every swarm port is held here (by dockerd, or the kernel VXLAN socket, once this host is in a swarm); TCP probes reach dockerd itself',
    );
  }
  log(
    `listening on ${specsText(responder.bound)}${options.allow.length ? ` for ${options.allow.join(', ')}` : ''} for ${String(options.deadlineMs / 1000)} s (Ctrl-C stops)`,
  );
  await new Promise<void>((done) => {
    const timer = setTimeout(finish, options.deadlineMs);
    function finish(): void {
      clearTimeout(timer);
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      done();
    }
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
  await responder.close();
  log(`stopped after answering ${String(responder.answered)} probe(s)`);
  return 0;
}

// `swarmlint deep-probe`: the agent of `audit --deep`, run by the orchestrator inside a task of a swarm service
// (hidden from the command list; docs/deep-audit.md). Prints exactly one JSON line on stdout, everything else on
// stderr, and always before its deadline: a watchdog prints what is known if the probe itself is late.
import type { ParseArgsConfig } from 'node:util';
import { parse } from './args.js';
import { UsageError } from './exit.js';
import { deepProbeOptions, ProbeUsageError, type DeepProbeResult } from '../probes/deep/result.js';
import { emptyResult, runDeepProbe, systemIo, type DeepProbeIo } from '../probes/deep/run.js';

export const DEEP_PROBE_OPTIONS = {
  run: { type: 'string' },
  kind: { type: 'string' },
  service: { type: 'string' },
  expect: { type: 'string' },
  deadline: { type: 'string' },
  'start-wait': { type: 'string' },
  mtu: { type: 'string' },
  managers: { type: 'string', multiple: true },
  nodes: { type: 'string', multiple: true },
  sample: { type: 'string' },
  seed: { type: 'string' },
  ids: { type: 'string', multiple: true },
  'leak-vni': { type: 'string' },
  'leak-port': { type: 'string' },
  'node-id': { type: 'string' },
  hostname: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export const DEEP_PROBE_HELP = `Usage: swarmlint deep-probe --kind plain|encrypted|host [options]

The agent of \`swarmlint audit --deep\`, run inside a task of its services; not meant to be run by hand.
Prints one JSON line (docs/deep-audit.md) and exits 0 before --deadline (plus --start-wait, if it used it).

Options:
  --run ID            the deep run's id (echoed in the result)
  --kind KIND         plain or encrypted (an overlay), host (the host network)
  --service NAME      its own service: peers are the addresses of tasks.NAME
  --expect N          tasks expected in tasks.NAME, itself included (default 1)
  --deadline SECONDS  one overall deadline (default 60)
  --start-wait SECONDS  overlay kinds: wait up to this much longer for the --expect tasks to appear in DNS;
                      the deadline then counts from when they had (default 0)
  --mtu N             overlay MTU to test (default: the MTU of its own overlay interface)
  --managers A,B      manager addresses: TCP 2377 (host kind)
  --nodes A,B,...     node addresses: TCP 7946 (host kind)
  --sample K          test only K peers, picked from --seed among --ids (audit --deep-sample)
  --seed S            the sample's seed
  --ids A,B,...       the tested nodes' IDs (host kind: one per --nodes address, in that order)
  --leak-vni N        host kind: until the deadline, count inbound UDP to --leak-port whose VXLAN header
                      carries VNI N (the encrypted overlay's): plaintext that should have been ESP
  --leak-port P       the swarm's data-path port (default 4789)
  --node-id ID        this node's id (default: $SWARMLINT_NODE_ID, e.g. {{.Node.ID}} in the task's Env)
  --hostname H        this node's hostname (default: $SWARMLINT_NODE_HOSTNAME)
  --run also defaults to $SWARMLINT_DEEP_RUN.`;

/** The result as its one line. */
export const resultLine = (result: DeepProbeResult): string => `${JSON.stringify(result)}\n`;

export async function runDeepProbeCli(
  args: readonly string[],
  io: DeepProbeIo = systemIo(),
  write: (s: string) => void = (s) => {
    process.stdout.write(s);
  },
): Promise<number> {
  const parsed = parse(args, DEEP_PROBE_OPTIONS);
  if (parsed.values.help) {
    write(`${DEEP_PROBE_HELP}\n`);
    return 0;
  }
  if (parsed.positionals.length) throw new UsageError(`deep-probe takes no arguments ("${parsed.positionals[0] ?? ''}")`);
  let options;
  try {
    options = deepProbeOptions(parsed.values, process.env);
  } catch (error) {
    if (error instanceof ProbeUsageError) throw new UsageError(error.message);
    throw error;
  }
  const result = emptyResult(options);
  const start = io.now();
  let printed = false;
  const print = (): void => {
    if (printed) return;
    printed = true;
    write(resultLine(result));
  };
  // The watchdog: should anything overrun, print what is known just before the deadline and leave.
  const watchdog = setTimeout(
    () => {
      result.notes.push('watchdog: the probe overran its time; this result is partial');
      result.elapsed_ms = io.now() - start;
      print();
      process.exit(0);
    },
    Math.max(0, options.startWaitMs + options.deadlineMs - 300),
  );
  const stop = new AbortController();
  const onSignal = (): void => {
    stop.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    await runDeepProbe(options, io, result, stop.signal);
    print();
  } finally {
    clearTimeout(watchdog);
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
  return 0;
}

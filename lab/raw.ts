// Raw-socket helpers run as a short-lived `node` inside a network namespace: a ping with DF set (busybox's ping
// cannot set it) and protocol-50 (ESP) packets. They use `raw-socket`, the socket layer under `net-ping`.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
/** raw-socket as net-ping resolves it (a dependency of a dependency, so resolve it from net-ping's folder). */
export const RAW_SOCKET_PATH = createRequire(require.resolve('net-ping')).resolve('raw-socket');

const IP_MTU_DISCOVER = 10;
const IP_PMTUDISC_DO = 2;

/**
 * `node -e` source. argv: mode, then
 * - ping TARGET SIZE COUNT WAIT_MS: ICMP echo of SIZE bytes of IP packet with DF set (IP_PMTUDISC_DO), COUNT
 *   echoes 200 ms apart, until every one is answered or WAIT_MS after the last;
 * - esp-send TARGET COUNT: COUNT packets of IP protocol 50;
 * - esp-recv SOURCE DURATION_MS EXPECTED: prints "ready" once listening, then counts protocol-50 packets from SOURCE
 *   until DURATION_MS have passed or EXPECTED have come.
 * Ends with one JSON line.
 */
const SCRIPT = `
const raw = require(${JSON.stringify(RAW_SOCKET_PATH)});
const [mode, peer, a, b, c] = process.argv.slice(1);
const done = (result) => { process.stdout.write(JSON.stringify(result) + '\\n'); process.exit(0); };
if (mode === 'ping') {
  const size = Number(a), count = Number(b), wait = Number(c);
  const s = raw.createSocket({ protocol: raw.Protocol.ICMP });
  s.setOption(raw.SocketLevel.IPPROTO_IP, ${IP_MTU_DISCOVER}, ${IP_PMTUDISC_DO});
  const id = process.pid & 0xffff, replies = new Set(), errors = [];
  let sent = 0;
  s.on('message', (buf, source) => {
    const ihl = (buf[0] & 0x0f) * 4;
    if (source === peer && buf[ihl] === 0 && buf.readUInt16BE(ihl + 4) === id) replies.add(buf.readUInt16BE(ihl + 6));
    if (replies.size === count) finish();
  });
  s.on('error', (e) => errors.push(e.message));
  const one = (seq) => {
    const p = Buffer.alloc(size - 20);
    p[0] = 8; p.writeUInt16BE(id, 4); p.writeUInt16BE(seq, 6);
    raw.writeChecksum(p, 2, raw.createChecksum(p));
    s.send(p, 0, p.length, peer, (e) => { if (e) errors.push(e.message); else sent++; });
  };
  for (let i = 1; i <= count; i++) setTimeout(() => one(i), (i - 1) * 200);
  // Every echo answered ends it at once; otherwise it waits WAIT_MS after the last echo left.
  function finish() { done({ sent, received: replies.size, errors: [...new Set(errors)] }); }
  setTimeout(finish, (count - 1) * 200 + wait);
} else if (mode === 'esp-send') {
  const count = Number(a);
  const s = raw.createSocket({ protocol: 50 });
  let sent = 0; const errors = [];
  for (let i = 1; i <= count; i++) {
    const p = Buffer.alloc(64); p.writeUInt32BE(0x5357, 0); p.writeUInt32BE(i, 4);
    setTimeout(() => s.send(p, 0, p.length, peer, (e) => { if (e) errors.push(e.message); else sent++; }), (i - 1) * 100);
  }
  setTimeout(() => done({ sent, errors: [...new Set(errors)] }), count * 100 + 200);
} else if (mode === 'esp-recv') {
  const s = raw.createSocket({ protocol: 50 });
  process.stdout.write('ready\\n');
  let received = 0;
  const expected = Number(b);
  s.on('message', (buf, source) => { if (source === peer && ++received === expected) done({ received }); });
  setTimeout(() => done({ received }), Number(a));
} else { done({ error: 'unknown mode ' + mode }); }
`;

/**
 * The command (to run inside some network namespace) for a raw-socket helper. It runs with a clean environment:
 * under tap, NODE_OPTIONS would load tap's loaders and coverage into the helper and delay it by seconds.
 */
export function rawCommand(args: readonly string[]): string[] {
  return ['env', '-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, process.execPath, '-e', SCRIPT, '--', ...args];
}

export interface PingResult {
  readonly sent: number;
  readonly received: number;
  readonly errors: readonly string[];
}

/** The helper's result: the JSON on the last line of its output. */
export function parseJsonLine(stdout: string): unknown {
  const line = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(line);
}

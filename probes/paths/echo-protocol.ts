/**
 * The probe-and-echo exchange between `swarmlint preflight` and `swarmlint preflight --listen` on a far host. A
 * probe carries a random nonce and the port and protocol it was sent to; the responder echoes the nonce back on
 * the same port and protocol, so an echo proves that this host's packet reached the far port and that the far
 * host's answer came back. The echo also lists the swarm ports the responder could not bind (dockerd or the
 * kernel's VXLAN socket holds them once the far host is in a swarm), so the prober knows that silence there is no
 * proof of a block.
 *
 * A probe is padded to a fixed size and an echo is never larger than the probe: the responder cannot be used to
 * amplify traffic.
 */

export const PROBE_SIZE = 256;
const PROBE_TAG = 'SWARMLINT-PROBE/1';
const ECHO_TAG = 'SWARMLINT-ECHO/1';

export type Transport = 'tcp' | 'udp';

/** A port and protocol, written `7946/udp`. */
export interface PortSpec {
  port: number;
  protocol: Transport;
}

export const specText = (s: PortSpec): string => `${String(s.port)}/${s.protocol}`;

export function parseSpec(text: string): PortSpec | undefined {
  const m = /^(\d{1,5})\/(tcp|udp)$/.exec(text);
  if (!m) return undefined;
  const port = Number(m[1]);
  return port >= 1 && port <= 65535 ? { port, protocol: m[2] as Transport } : undefined;
}

/** 16 hex digits. */
const NONCE_RE = /^[0-9a-f]{16}$/;

export function encodeProbe(nonce: string, to: PortSpec): Buffer {
  const text = `${PROBE_TAG} ${nonce} ${specText(to)}\n`;
  return Buffer.concat([Buffer.from(text, 'ascii'), Buffer.alloc(PROBE_SIZE - text.length, 0x20)]);
}

export interface Probe {
  nonce: string;
  to: PortSpec;
  /** Bytes received: the echo must not be longer. */
  size: number;
}

export function parseProbe(data: Buffer): Probe | undefined {
  const line = data.subarray(0, Math.min(data.length, 128)).toString('ascii').split('\n', 1).join('');
  const [tag, nonce, spec] = line.split(' ');
  const to = parseSpec(spec ?? '');
  if (tag !== PROBE_TAG || !nonce || !NONCE_RE.test(nonce) || !to) return undefined;
  return { nonce, to, size: data.length };
}

/** The echo of a probe, listing the ports the responder could not bind (as many as fit in the probe's size). */
export function encodeEcho(probe: Probe, held: readonly PortSpec[]): Buffer | undefined {
  const head = `${ECHO_TAG} ${probe.nonce} ${specText(probe.to)}`;
  let text = `${head}\n`;
  const list: string[] = [];
  for (const h of held) {
    const candidate = `${head} held=${[...list, specText(h)].join(',')}\n`;
    if (candidate.length > probe.size) break;
    list.push(specText(h));
    text = candidate;
  }
  return text.length <= probe.size ? Buffer.from(text, 'ascii') : undefined;
}

export interface Echo {
  nonce: string;
  to: PortSpec;
  held: PortSpec[];
}

export function parseEcho(data: Buffer): Echo | undefined {
  const line = data.toString('ascii').split('\n', 1).join('');
  const [tag, nonce, spec, heldText] = line.split(' ');
  const to = parseSpec(spec ?? '');
  if (tag !== ECHO_TAG || !nonce || !NONCE_RE.test(nonce) || !to) return undefined;
  const held = (heldText?.startsWith('held=') ? heldText.slice(5).split(',') : [])
    .map(parseSpec)
    .filter((s): s is PortSpec => s !== undefined);
  return { nonce, to, held };
}

/** Address arithmetic the firewall evaluation needs: is an address inside a prefix or a range? */
import ipaddr from 'ipaddr.js';

type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** An address (IPv4-mapped IPv6 becomes IPv4), or undefined when it is not one. */
export function parseAddress(text: string): Addr | undefined {
  try {
    const a = ipaddr.parse(text.trim());
    return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
  } catch {
    return undefined;
  }
}

export function familyOf(text: string): 4 | 6 | undefined {
  const a = parseAddress(text);
  return a ? (a.kind() === 'ipv4' ? 4 : 6) : undefined;
}

/**
 * Is `address` in `prefix` (`10.0.0.0/8`, `10.1.2.3`, iptables' `10.0.0.0/255.0.0.0`)? Undefined when either
 * cannot be read; false across families.
 */
export function inPrefix(address: string, prefix: string): boolean | undefined {
  const a = parseAddress(address);
  if (!a) return undefined;
  const [base = '', len] = prefix.split('/');
  const network = parseAddress(base);
  if (!network) return undefined;
  if (network.kind() !== a.kind()) return false;
  const bits = network.kind() === 'ipv4' ? 32 : 128;
  let length: number;
  if (len === undefined) length = bits;
  else if (/^\d+$/.test(len)) length = Number(len);
  else {
    const mask = parseAddress(len);
    if (!mask || mask.kind() !== network.kind()) return undefined;
    length = mask.prefixLengthFromSubnetMask() ?? -1;
  }
  if (length < 0 || length > bits) return undefined;
  return a.match(network, length);
}

/** Is `address` within `from`–`to` (inclusive)? Undefined when any of them cannot be read. */
export function inRange(address: string, from: string, to: string): boolean | undefined {
  const [a, lo, hi] = [parseAddress(address), parseAddress(from), parseAddress(to)];
  if (!a || !lo || !hi) return undefined;
  if (a.kind() !== lo.kind() || a.kind() !== hi.kind()) return false;
  const n = (x: Addr): bigint => x.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
  return n(a) >= n(lo) && n(a) <= n(hi);
}

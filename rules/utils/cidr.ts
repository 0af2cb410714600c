import ipaddr from 'ipaddr.js';

/**
 * CIDR arithmetic for the subnet rules: parsing as strictly as Docker does (Go's `netip.ParsePrefix`), overlap
 * and containment, and the addresses Docker's IPAM leaves for endpoints. Addresses are unsigned big integers so
 * that IPv4 and IPv6 share one code path.
 */

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** The network address (host bits zero) as an unsigned integer. */
  network: bigint;
  prefix: number;
  /** Canonical text: `10.0.1.0/24`, `fd00:1::/64`. */
  text: string;
}

export type CidrProblem =
  /** Not ADDRESS/PREFIX at all. */
  | { kind: 'notation' }
  /** The address is not a plain IPv4 or IPv6 address. */
  | { kind: 'address'; address: string }
  /** The prefix length is not a decimal number. */
  | { kind: 'prefixLength'; length: string }
  /** The prefix length is larger than the address has bits. */
  | { kind: 'prefix'; prefix: number; family: Family }
  /** Bits set after the prefix; `masked` is the network Docker engines before 25 silently used. */
  | { kind: 'hostBits'; masked: Cidr };

export type ParsedCidr = { ok: true; cidr: Cidr } | { ok: false; problem: CidrProblem };

export const bitsOf = (family: Family): number => (family === 4 ? 32 : 128);

function toBigInt(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function toBytes(n: bigint, family: Family): number[] {
  const out: number[] = [];
  for (let i = 0; i < bitsOf(family) / 8; i++) {
    out.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  return out;
}

function hostMask(family: Family, prefix: number): bigint {
  return (1n << BigInt(bitsOf(family) - prefix)) - 1n;
}

/** The text of an address: dotted quad, or RFC 5952 for IPv6. */
export function formatAddress(n: bigint, family: Family): string {
  const bytes = toBytes(n, family);
  return family === 4 ? bytes.join('.') : ipaddr.fromByteArray(bytes).toString();
}

function make(family: Family, network: bigint, prefix: number): Cidr {
  return { family, network, prefix, text: `${formatAddress(network, family)}/${String(prefix)}` };
}

/**
 * Parses `ADDRESS/PREFIX` the way Docker does: a four-part decimal IPv4 address (no leading zeros) or an IPv6
 * address without a zone, and a decimal prefix length that fits the address. Host bits are a problem of their
 * own (engines since 25 refuse them, older ones mask them).
 */
export function parseCidr(text: string): ParsedCidr {
  const parts = text.split('/');
  const [address = '', length = ''] = parts;
  if (parts.length !== 2) return { ok: false, problem: { kind: 'notation' } };
  let family: Family;
  let bytes: number[];
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) {
    family = 4;
    bytes = ipaddr.IPv4.parse(address).toByteArray();
  } else if (address.includes(':') && !address.includes('%') && ipaddr.IPv6.isValid(address)) {
    family = 6;
    bytes = ipaddr.IPv6.parse(address).toByteArray();
  } else {
    return { ok: false, problem: { kind: 'address', address } };
  }
  if (!/^\d{1,3}$/.test(length)) return { ok: false, problem: { kind: 'prefixLength', length } };
  const prefix = Number(length);
  if (prefix > bitsOf(family)) return { ok: false, problem: { kind: 'prefix', prefix, family } };
  const value = toBigInt(bytes);
  const host = value & hostMask(family, prefix);
  if (host !== 0n) return { ok: false, problem: { kind: 'hostBits', masked: make(family, value - host, prefix) } };
  return { ok: true, cidr: make(family, value, prefix) };
}

/** For CIDRs from configuration: host bits are forgiven (`192.168.1.10/24` means its network); nonsense is undefined. */
export function parseLenient(text: string): Cidr | undefined {
  const parsed = parseCidr(text.trim());
  if (parsed.ok) return parsed.cidr;
  return parsed.problem.kind === 'hostBits' ? parsed.problem.masked : undefined;
}

/** A single address as a host range (`/32`, `/128`), to test it with the same arithmetic; undefined when it is not one. */
export function addressCidr(address: string): Cidr | undefined {
  const text = address.trim();
  if (text === '') return undefined;
  const parsed = parseCidr(`${text}/${text.includes(':') ? '128' : '32'}`);
  return parsed.ok ? parsed.cidr : undefined;
}

const last = (c: Cidr): bigint => c.network | hostMask(c.family, c.prefix);

/** Do the two ranges share an address? Ranges of different families never do. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.network <= last(b) && b.network <= last(a);
}

/** Does `outer` hold every address of `inner`? */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.prefix <= inner.prefix && outer.network <= inner.network && last(inner) <= last(outer);
}

/**
 * Addresses Docker's IPAM can hand to endpoints (tasks, virtual IPs, load-balancer endpoints) in a subnet of a
 * swarm network: all of them, less the network and broadcast addresses (IPv4 subnets larger than a /31), the network
 * address (IPv6), and the gateway swarm reserves for the overlay's bridge (libnetwork ipam `newPoolData`). A /24 has
 * 253. Subnets too large to count in a double are `Infinity`: they never fill up.
 */
export function usableForPrefix(family: Family, prefix: number): number {
  const hostBits = bitsOf(family) - prefix;
  if (hostBits > 52) return Number.POSITIVE_INFINITY;
  const size = 2 ** hostBits;
  const reserved = family === 4 ? (size > 2 ? 2 : 0) : 1;
  return Math.max(0, size - reserved - 1);
}

/** `usableForPrefix` of a parsed subnet. */
export function usableAddresses(c: Cidr): number {
  return usableForPrefix(c.family, c.prefix);
}

/** The swarm's default address pool when `docker swarm init` is given none. */
export const DEFAULT_ADDRESS_POOLS: readonly string[] = ['10.0.0.0/8'];

/**
 * The subnet `docker swarm init` gives the ingress network when not told otherwise: the first subnet, of the pool's
 * subnet size (default /24), of the first default address pool. `10.0.0.0/24` with the defaults.
 */
export function defaultIngressSubnet(pools: readonly string[] | undefined, subnetSize: number | undefined): string {
  const pool = parseLenient((pools ?? DEFAULT_ADDRESS_POOLS)[0] ?? '') ?? make(4, 0x0a000000n, 8);
  const size = subnetSize !== undefined && subnetSize <= bitsOf(pool.family) ? subnetSize : 24;
  return make(pool.family, pool.network, Math.max(pool.prefix, size)).text;
}

/**
 * How many subnets of `size` bits Docker hands out from `pool` before it reaches `cidr` (it allocates them in
 * order: ingress takes the first). Undefined when the pool is not split that way (the size is shorter than the
 * pool's prefix, or another family).
 */
export function poolSubnetsBefore(cidr: Cidr, pool: Cidr, size: number): number | undefined {
  if (cidr.family !== pool.family || size < pool.prefix || size > bitsOf(pool.family)) return undefined;
  if (cidr.network <= pool.network) return 0;
  return Number((cidr.network - pool.network) >> BigInt(bitsOf(pool.family) - size));
}

import { stringify } from 'yaml';
import { parsePortSpec } from './ports.js';

/**
 * The merged, interpolated stack in the shape `docker stack config` prints it (docker/cli's types.Config): ports
 * in the long syntax, `environment` and `labels` as mappings, service `networks` as a mapping, services sorted by
 * name; files merged as cli/compose/loader/merge.go does (services merged key by key, the override winning
 * unless it is empty; ports keyed by published port, volumes by target, secrets and configs by source;
 * `command`/`entrypoint` replaced; top-level networks, volumes, secrets and configs replaced by name). For
 * users to compare with docker's output; the lint model is built separately.
 */
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A scalar as text (Go's fmt of it); other values as JSON. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return v === undefined ? '' : JSON.stringify(v);
}

function mapping(v: unknown, sep = '='): Obj | undefined {
  if (isObj(v)) {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) out[k] = x === null ? null : text(x);
    return out;
  }
  if (Array.isArray(v)) {
    const out: Obj = {};
    for (const item of v) {
      const s = text(item);
      const at = s.indexOf(sep);
      out[at === -1 ? s : s.slice(0, at)] = at === -1 ? null : s.slice(at + 1);
    }
    return out;
  }
  return undefined;
}

function longPorts(v: unknown): unknown[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.flatMap((p): unknown[] => {
    if (isObj(p)) return [{ mode: 'ingress', protocol: 'tcp', ...p }];
    const parsed = parsePortSpec(p as string | number);
    if (!parsed.ok) return [p];
    return parsed.ports.map((x) => ({
      mode: 'ingress',
      target: x.target,
      ...(x.published ? { published: x.published } : {}),
      protocol: x.protocol,
    }));
  });
}

/** docker prints no empty text (omitempty), except as a value of a mapping such as `environment`. */
function dropEmptyText(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => dropEmptyText(x));
  if (!isObj(v) || TEXT_MAPS.has(key)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== '') out[k] = dropEmptyText(x, k);
  return out;
}

const TEXT_MAPS = new Set(['environment', 'labels', 'driver_opts', 'sysctls', 'extra_hosts', 'options', 'args']);

function normaliseService(raw: Obj): Obj {
  const s = dropEmptyText(raw) as Obj;
  const out: Obj = { ...s };
  for (const key of ['environment', 'labels', 'extra_hosts'] as const) {
    const m = mapping(s[key], key === 'extra_hosts' ? ':' : '=');
    if (m) out[key] = m;
  }
  const deploy = s.deploy;
  if (isObj(deploy) && deploy.labels !== undefined) out.deploy = { ...deploy, labels: mapping(deploy.labels) };
  const ports = longPorts(s.ports);
  if (ports) out.ports = ports;
  if (Array.isArray(s.networks)) out.networks = Object.fromEntries(s.networks.map((n) => [text(n), null]));
  return out;
}

/** mergo's "empty": an override with such a value keeps the base's. */
function empty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    v === 0 ||
    v === false ||
    (Array.isArray(v) && v.length === 0) ||
    (isObj(v) && Object.keys(v).length === 0)
  );
}

function keyedList(base: unknown[], over: unknown[], key: (x: unknown) => string): unknown[] {
  const byKey = new Map<string, unknown>();
  for (const x of [...base, ...over]) byKey.set(key(x), x);
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, x]) => x);
}

const field = (name: string) => (x: unknown) => (isObj(x) ? text(x[name]) : text(x));

/** *uint64 fields: merge.go's mergeUint64 takes the override whenever it is set, 0 included. */
const POINTERS = new Set(['replicas', 'parallelism', 'max_attempts', 'retries']);

function mergeValue(key: string, base: unknown, over: unknown): unknown {
  if (base === undefined) return over;
  if (POINTERS.has(key) && over !== undefined && over !== null) return over;
  if (empty(over)) return base;
  // mergeServiceNetworkConfig: the override's aliases replace the base's.
  if (key === 'aliases') return over;
  if (Array.isArray(base) && Array.isArray(over)) {
    const [b, o]: [unknown[], unknown[]] = [base, over];
    if (key === 'ports') return keyedList(base, over, (x) => (isObj(x) ? text(x.published ?? 0).padStart(6, '0') : text(x)));
    if (key === 'volumes') return keyedList(b, o, (x) => (isObj(x) ? text(x.target) : (text(x).split(':')[1] ?? text(x))));
    if (key === 'secrets' || key === 'configs') return keyedList(b, o, field('source'));
    if (key === 'command' || key === 'entrypoint') return o;
    return [...b, ...o];
  }
  if (isObj(base) && isObj(over)) {
    if (key === 'logging' && over.driver !== undefined && over.driver !== base.driver) return over;
    if (key === 'ulimits') return { ...base, ...over };
    const out: Obj = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeValue(k, base[k], v);
    return out;
  }
  return over;
}

/** The stack docker would print for these files' interpolated contents (in `-c` order). */
export function mergedStack(files: readonly unknown[]): Obj {
  const out: Obj = {};
  const services = new Map<string, Obj>();
  for (const [i, file] of files.entries()) {
    if (!isObj(file)) continue;
    if (i === 0) out.version = file.version === undefined || file.version === '' || file.version === '3' ? '3.13' : file.version;
    if (isObj(file.services))
      for (const [name, raw] of Object.entries(file.services)) {
        const s = normaliseService(isObj(raw) ? raw : {});
        const prev = services.get(name);
        services.set(name, prev ? (mergeValue('', prev, s) as Obj) : s);
      }
    for (const section of ['networks', 'volumes', 'secrets', 'configs'] as const) {
      const v = file[section];
      if (!isObj(v)) continue;
      const merged = (out[section] as Obj | undefined) ?? {};
      for (const [name, x] of Object.entries(v)) merged[name] = x ?? {};
      out[section] = merged;
    }
  }
  // Services by name, their keys in order (docker prints struct fields, nearly alphabetical).
  const byName = (a: [string, unknown], b: [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
  out.services = Object.fromEntries(
    [...services.entries()].sort(byName).map(([name, s]) => [name, Object.fromEntries(Object.entries(s).sort(byName))]),
  );
  const ordered: Obj = {};
  for (const key of ['version', 'services', 'networks', 'volumes', 'secrets', 'configs'])
    if (out[key] !== undefined) ordered[key] = out[key];
  return ordered;
}

/** YAML text of `mergedStack`. */
export function printStack(files: readonly unknown[]): string {
  // YAML 1.1 quoting, so that `yes`, `on` and `0755` stay text when any docker reads the output back.
  return stringify(mergedStack(files), { version: '1.1', lineWidth: 0, indentSeq: true });
}

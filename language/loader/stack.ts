import { dirname, resolve } from 'node:path';
import { echoNearMiss } from '../quote.js';
import { dockerLoadProblems, timestampTexts } from './docker-checks.js';
import { LoadError } from './errors.js';
import { interpolateTree, type Environment } from './interpolate.js';
import { defaultLimits, type LoadLimits } from './limits.js';
import { parsePortSpec } from './ports.js';
import { fileDefinitions, fileSources, serviceUses, type Definitions, type FileSource, type Use } from './resources.js';
import { DEFAULT_SCHEMA_VERSION, SCHEMA_VERSIONS, validateStack } from './schema.js';
import { checkDepth, LineIndex } from './text.js';
import { get, getPair, parseYaml, toJS, type PMap, type PValue, type YamlDialect } from './yaml.js';
import type {
  Comment,
  Constraint,
  LoadDiagnostic,
  Network,
  PortBinding,
  Protocol,
  Range,
  Service,
  ServiceMode,
  ServiceNetwork,
  ServiceReference,
  Span,
  Stack,
  StackFileInfo,
  Subnet,
} from '../model.js';

export interface StackSource {
  path: string;
  /** Decoded text without a byte-order mark (see decodeText). */
  text: string;
}

export interface LoadStackOptions {
  env?: Environment;
  /** The stack name, for messages (`<stack>_default`). */
  name?: string;
  limits?: LoadLimits;
  /** docker/cli's YAML library: yaml.v3 from docker 28 (the default), yaml.v2 before (see dialectOf). */
  dialect?: YamlDialect;
  /** docker's working directory (env files are read from it): by default the first file's folder. */
  workingDir?: string;
  /** Fill `interpolated` (for `--print-stack`); linting needs no plain values, so by default it is empty. */
  plainValues?: boolean;
}

export interface LoadedStack {
  /** The text ESLint lints: the files joined, each starting on a new line. */
  text: string;
  stack: Stack;
  /** With `plainValues`, each file's interpolated contents as plain values, in order (for `--print-stack`: print.ts merges them). */
  interpolated: unknown[];
}

/** Keys docker/cli ignores with a warning in swarm mode (cli/compose/types UnsupportedProperties, DeprecatedProperties). */
export const IGNORED_KEYS: Record<string, string> = {
  build: 'images are not built by `docker stack deploy`; build and push them first',
  cgroupns_mode: 'not supported for services',
  cgroup_parent: 'not supported for services',
  devices: 'not supported for services',
  domainname: 'not supported for services',
  external_links: 'not supported for services',
  ipc: 'not supported for services',
  links: 'links are ignored; services find each other by name on a shared network',
  mac_address: 'not supported for services',
  network_mode: 'services use the networks listed under `networks`',
  pid: 'not supported for services',
  privileged: 'not supported for services',
  restart: '`deploy.restart_policy` is set and wins',
  security_opt: 'not supported for services',
  shm_size: 'not supported for services',
  userns_mode: 'not supported for services',
  container_name: 'task containers are named by swarm (deprecated option)',
  expose: 'services on a shared network reach each other on any port (deprecated option)',
};

/** Keys that make docker/cli refuse the whole file (ForbiddenProperties). */
export const FORBIDDEN_KEYS: Record<string, string> = {
  extends: '`extends` is not supported by `docker stack deploy`',
  volume_driver: 'define a volume under top-level `volumes` with its driver instead',
  volumes_from: 'share a volume through top-level `volumes` instead',
  cpu_quota: 'set resource limits under `deploy.resources`',
  cpu_shares: 'set resource limits under `deploy.resources`',
  cpuset: 'set resource limits under `deploy.resources`',
  mem_limit: 'set resource limits under `deploy.resources`',
  memswap_limit: 'set resource limits under `deploy.resources`',
};

// ------------------------------------------------------------------------------------------------------------
// Normalised, per-file service and network records (positions kept), merged the way docker/cli merges.
// ------------------------------------------------------------------------------------------------------------

interface Val<T> {
  value: T;
  range: Range;
}

interface NPort {
  range: Range;
  syntax: 'short' | 'long';
  target: number;
  published: number;
  protocol: Protocol;
  mode: 'ingress' | 'host';
  hostIp?: string;
  /** The same short spec expanded to several records shares one range; `index` tells them apart. */
  index: number;
  count: number;
}

interface NService {
  name: string;
  range: Range;
  keyRange: Range;
  image?: Val<string>;
  mode?: Val<string>;
  replicas?: Val<number>;
  endpointMode?: Val<string>;
  constraints: Val<string>[];
  spreads: Val<string>[];
  maxReplicasPerNode?: Val<number>;
  ports?: NPort[];
  networks?: Map<string, { range: Range; aliases: string[] }>;
  dependsOn: Val<string>[];
  links: Val<string>[];
  environment: Map<string, Val<string | null>>;
  keys: Map<string, Range>;
  uses: Use[];
}

interface NNetwork {
  name: string;
  range: Range;
  keyRange: Range;
  driver?: Val<string>;
  external: boolean;
  attachable: boolean;
  internal: boolean;
  encrypted?: Val<string>;
  /** The value of `encrypted`, when it is a scalar. */
  encryptedValue?: Val<string>;
  mtu?: Val<number>;
  mtuRaw?: Val<string>;
  subnets: Val<string>[];
}

interface FileConfig {
  services: NService[];
  networks: NNetwork[];
  servicesRange?: Range;
  definitions: Definitions;
}

function str(v: PValue | undefined): Val<string> | undefined {
  if (v?.kind !== 'scalar' || v.value === null) return undefined;
  return { value: String(v.value), range: v.range };
}

function num(v: PValue | undefined): Val<number> | undefined {
  if (v?.kind !== 'scalar' || typeof v.value !== 'number' || !Number.isFinite(v.value)) return undefined;
  return { value: v.value, range: v.range };
}

function bool(v: PValue | undefined): boolean {
  return v?.kind === 'scalar' && v.value === true;
}

function strings(v: PValue | undefined): Val<string>[] {
  if (v?.kind === 'seq')
    return v.items.flatMap((item) =>
      item.kind === 'scalar' && item.value !== null ? [{ value: String(item.value), range: item.range }] : [],
    );
  return [];
}

/** `environment` as a list (`K=V`, `K`) or a mapping. */
function environment(v: PValue | undefined): Map<string, Val<string | null>> {
  const out = new Map<string, Val<string | null>>();
  if (v?.kind === 'map') {
    for (const p of v.pairs)
      out.set(String(p.key.value), {
        value: p.value.kind === 'scalar' && p.value.value !== null ? String(p.value.value) : null,
        range: p.value.kind === 'scalar' && p.value.value === null ? p.key.range : p.value.range,
      });
  } else if (v?.kind === 'seq') {
    for (const item of v.items) {
      if (item.kind !== 'scalar' || item.value === null) continue;
      const s = String(item.value);
      const eq = s.indexOf('=');
      out.set(eq === -1 ? s : s.slice(0, eq), { value: eq === -1 ? null : s.slice(eq + 1), range: item.range });
    }
  }
  return out;
}

function ports(v: PValue | undefined, diagnostics: LoadDiagnostic[], span: (r: Range) => Span, path: string): NPort[] | undefined {
  if (v?.kind !== 'seq') return undefined;
  const out: NPort[] = [];
  v.items.forEach((item, i) => {
    if (item.kind === 'scalar' && (typeof item.value === 'string' || typeof item.value === 'number')) {
      const parsed = parsePortSpec(item.value);
      if (!parsed.ok) {
        diagnostics.push({
          ...span(item.range),
          rule: 'schema',
          messageId: 'violation',
          data: { path: `${path}[${String(i)}]`, problem: `is not a valid port: ${parsed.error}` },
        });
        return;
      }
      parsed.ports.forEach((p, index) => {
        out.push({
          range: item.range,
          syntax: 'short',
          target: p.target,
          published: p.published,
          protocol: p.protocol,
          mode: 'ingress',
          ...(p.hostIp ? { hostIp: p.hostIp } : {}),
          index,
          count: parsed.ports.length,
        });
      });
    } else if (item.kind === 'map') {
      const target = num(get(item, 'target'))?.value;
      if (target === undefined) return;
      const protocol = (str(get(item, 'protocol'))?.value.toLowerCase() ?? 'tcp') as Protocol;
      const mode = str(get(item, 'mode'))?.value.toLowerCase() === 'host' ? 'host' : 'ingress';
      out.push({
        range: item.range,
        syntax: 'long',
        target,
        published: num(get(item, 'published'))?.value ?? 0,
        protocol,
        mode,
        index: 0,
        count: 1,
      });
    }
  });
  return out;
}

function serviceNetworks(v: PValue | undefined): NService['networks'] {
  if (v?.kind === 'seq') {
    const out = new Map<string, { range: Range; aliases: string[] }>();
    for (const item of v.items)
      if (item.kind === 'scalar' && item.value !== null) out.set(String(item.value), { range: item.range, aliases: [] });
    return out;
  }
  if (v?.kind === 'map') {
    const out = new Map<string, { range: Range; aliases: string[] }>();
    for (const p of v.pairs)
      out.set(String(p.key.value), { range: p.key.range, aliases: strings(get(p.value, 'aliases')).map((a) => a.value) });
    return out;
  }
  return undefined;
}

function normaliseService(name: string, keyRange: Range, v: PValue, diagnostics: LoadDiagnostic[], span: (r: Range) => Span): NService {
  const deploy = get(v, 'deploy');
  const placement = get(deploy, 'placement');
  const keys = new Map<string, Range>();
  if (v.kind === 'map') for (const p of v.pairs) keys.set(String(p.key.value), p.key.range);
  const image = str(get(v, 'image'));
  const mode = str(get(deploy, 'mode'));
  const replicas = num(get(deploy, 'replicas'));
  const endpointMode = str(get(deploy, 'endpoint_mode'));
  const maxReplicasPerNode = num(get(placement, 'max_replicas_per_node'));
  const portList = ports(get(v, 'ports'), diagnostics, span, `services.${name}.ports`);
  const networks = serviceNetworks(get(v, 'networks'));
  return {
    name,
    range: [keyRange[0], v.range[1]],
    keyRange,
    ...(image ? { image } : {}),
    ...(mode ? { mode } : {}),
    ...(replicas ? { replicas } : {}),
    ...(endpointMode ? { endpointMode } : {}),
    ...(maxReplicasPerNode ? { maxReplicasPerNode } : {}),
    ...(portList ? { ports: portList } : {}),
    ...(networks ? { networks } : {}),
    constraints: strings(get(placement, 'constraints')),
    spreads: spreads(get(placement, 'preferences')),
    dependsOn: dependsOn(get(v, 'depends_on')),
    links: strings(get(v, 'links')),
    environment: environment(get(v, 'environment')),
    keys,
    uses: serviceUses(v),
  };
}

/** The `spread` of each placement preference (a null or non-text value is the schema's to report). */
function spreads(v: PValue | undefined): Val<string>[] {
  if (v?.kind !== 'seq') return [];
  return v.items.flatMap((item) => {
    const spread = get(item, 'spread');
    return spread?.kind === 'scalar' && typeof spread.value === 'string' ? [{ value: spread.value, range: spread.range }] : [];
  });
}

function dependsOn(v: PValue | undefined): Val<string>[] {
  if (v?.kind === 'map') return v.pairs.map((p) => ({ value: String(p.key.value), range: p.key.range }));
  return strings(v);
}

function normaliseNetwork(name: string, keyRange: Range, v: PValue): NNetwork {
  const opts = get(v, 'driver_opts');
  const encrypted = getPair(opts, 'encrypted');
  const mtuPair = getPair(opts, 'com.docker.network.driver.mtu');
  const mtuText = mtuPair?.value.kind === 'scalar' && mtuPair.value.value !== null ? String(mtuPair.value.value) : undefined;
  const subnets: Val<string>[] = [];
  const config = get(get(v, 'ipam'), 'config');
  if (config?.kind === 'seq') {
    for (const c of config.items) {
      const s = str(get(c, 'subnet'));
      if (s) subnets.push(s);
    }
  }
  const external = get(v, 'external');
  const driver = str(get(v, 'driver'));
  return {
    name,
    range: [keyRange[0], v.range[1]],
    keyRange,
    ...(driver ? { driver } : {}),
    external: bool(external) || external?.kind === 'map',
    attachable: bool(get(v, 'attachable')),
    internal: bool(get(v, 'internal')),
    // libnetwork encrypts when the option is present at all, whatever its value.
    ...(encrypted
      ? { encrypted: { value: encrypted.value.kind === 'scalar' ? String(encrypted.value.value ?? '') : '', range: encrypted.key.range } }
      : {}),
    ...(encrypted?.value.kind === 'scalar'
      ? { encryptedValue: { value: String(encrypted.value.value ?? ''), range: encrypted.value.range } }
      : {}),
    ...(mtuPair && mtuText !== undefined ? { mtuRaw: { value: mtuText, range: mtuPair.value.range } } : {}),
    ...(mtuPair && mtuText !== undefined && /^\d+$/.test(mtuText.trim())
      ? { mtu: { value: Number(mtuText), range: mtuPair.value.range } }
      : {}),
    subnets,
  };
}

// ------------------------------------------------------------------------------------------------------------
// Merging, as docker/cli cli/compose/loader/merge.go
// ------------------------------------------------------------------------------------------------------------

function mergeService(base: NService, over: NService): NService {
  const merged: NService = {
    ...base,
    constraints: [...base.constraints, ...over.constraints],
    spreads: [...base.spreads, ...over.spreads],
    dependsOn: [...base.dependsOn, ...over.dependsOn],
    links: [...base.links, ...over.links],
    environment: new Map([...base.environment, ...over.environment]),
    keys: new Map([...base.keys, ...over.keys]),
    uses: [...base.uses, ...over.uses],
  };
  // Scalars: the override wins when it is not empty (mergo WithOverride); optional integers whenever set.
  if (over.image?.value) merged.image = over.image;
  if (over.mode?.value) merged.mode = over.mode;
  if (over.endpointMode?.value) merged.endpointMode = over.endpointMode;
  if (over.replicas) merged.replicas = over.replicas;
  if (over.maxReplicasPerNode) merged.maxReplicasPerNode = over.maxReplicasPerNode;
  // Ports: keyed by published port, the override's entry wins, sorted by published port.
  if (over.ports) {
    if (!base.ports) merged.ports = over.ports;
    else {
      const byPublished = new Map<number, NPort>();
      for (const p of [...base.ports, ...over.ports]) byPublished.set(p.published, p);
      merged.ports = [...byPublished.values()].sort((a, b) => a.published - b.published);
    }
  }
  // Networks: a union by name; the override's aliases replace the base's when it has some.
  // mergo WithOverride: an entry without aliases (list syntax, null) keeps the base's aliases.
  if (over.networks) {
    merged.networks = new Map(base.networks ?? []);
    for (const [name, n] of over.networks) {
      const before = merged.networks.get(name);
      merged.networks.set(name, n.aliases.length === 0 && before ? { ...n, aliases: before.aliases } : n);
    }
  }
  return merged;
}

// ------------------------------------------------------------------------------------------------------------
// Loading
// ------------------------------------------------------------------------------------------------------------

/** Joins files into the text ESLint lints, each file starting on its own line. */
export function joinFiles(files: readonly StackSource[]): { text: string; infos: StackFileInfo[] } {
  let text = '';
  const infos: StackFileInfo[] = [];
  let line = 1;
  for (const [i, f] of files.entries()) {
    if (text.length > 0 && !/[\r\n]$/.test(text)) {
      text += '\n';
      line++;
    }
    infos.push({ path: f.path, offset: text.length, line, length: f.text.length });
    text += f.text;
    // The lines of the last file are not needed: no file starts after it.
    if (i < files.length - 1) line += new LineIndex(f.text).starts.length - 1;
  }
  return { text, infos };
}

/**
 * Loads a stack from one or more files, the way `docker stack deploy -c a.yml -c b.yml` reads them: each file
 * parsed, checked for forbidden keys, interpolated and validated on its own, then merged. Throws LoadError when
 * a file is not a YAML mapping at all; everything else becomes a diagnostic on the model.
 */
export function loadStack(files: readonly StackSource[], options: LoadStackOptions = {}): LoadedStack {
  const limits = options.limits ?? defaultLimits;
  const env = options.env ?? new Map<string, string>();
  const dialect = options.dialect ?? 'v3';
  const workingDir = options.workingDir ?? (files[0] ? dirname(resolve(files[0].path)) : undefined);
  const { text, infos } = joinFiles(files);
  const lines = new LineIndex(text);
  const span = (range: Range): Span => ({ range, loc: lines.loc(range[0], range[1]) });
  const diagnostics: LoadDiagnostic[] = [];
  const diag = (range: Range, rule: LoadDiagnostic['rule'], messageId: string, data: Record<string, string>): void => {
    diagnostics.push({ ...span(range), rule, messageId, data });
  };
  const comments: Comment[] = [];
  const configs: FileConfig[] = [];
  // Each file's interpolated tree, turned into plain values at the end when asked for (`plainValues`).
  const trees: PValue[] = [];
  // Secrets and configs read from files: the later file's definition of a name wins (docker/cli merge).
  const sources = new Map<string, FileSource>();
  let version: string | undefined;

  files.forEach((file, i) => {
    const info = infos[i];
    if (!info) return;
    const parsed = parseYaml(file.text, file.path, info.offset, limits, dialect);
    for (const c of parsed.comments) comments.push({ ...c, ...span(c.range) });
    const root = parsed.root;
    if (!root || (root.kind === 'scalar' && root.value === null)) {
      throw new LoadError('the file is empty: a stack file is a mapping with `services`', file.path, 1, 1);
    }
    if (root.kind !== 'map') {
      const pos = lines.position(root.range[0]);
      throw new LoadError(
        'the top level must be a mapping (with `services`, `networks`, …)',
        file.path,
        pos.line - info.line + 1,
        pos.column + 1,
      );
    }
    if (parsed.extraDocuments > 0) {
      // docker/cli reads the first document and never parses the rest: not an error, but nothing after it counts.
      diag([info.offset, info.offset], 'swarm-ignored-key', 'document', { documents: String(parsed.extraDocuments + 1) });
    }
    for (const key of parsed.nonStringKeys) diag(key.range, 'schema', 'nonStringKey', { key: String(key.value) });
    for (const { key, first } of parsed.duplicateKeys) {
      // yaml.v3 (docker ≥ 28) refuses the file; yaml.v2 (docker < 28) silently keeps the later value.
      diag(key.range, dialect === 'v3' ? 'schema' : 'swarm-ignored-key', dialect === 'v3' ? 'duplicateKey' : 'duplicateKeyKept', {
        key: String(key.value),
        line: String(lines.position(first.range[0]).line - info.line + 1),
      });
    }
    const versionOk = checkVersion(root, i === 0, version, diag, (v) => (version = v));
    const forbidden = checkForbidden(root, diag);
    const { tree, problems } = interpolateTree(root, env);
    for (const p of problems) {
      const data: Record<string, string> = { path: p.path, variable: p.variable ?? '', detail: p.detail ?? '' };
      diag(p.scalar.range, 'interpolation', p.kind, data);
    }
    for (const problem of versionOk ? validateStack(tree, schemaVersionOf(root)) : []) {
      // docker/cli refuses forbidden keys before it validates, so they are reported once, as forbidden.
      if (!forbidden.has(problem.range[0])) diag(problem.range, 'schema', 'violation', { path: problem.path, problem: problem.problem });
    }
    if (tree.kind === 'map')
      for (const problem of dockerLoadProblems(tree, { workingDir, env }))
        diag(problem.range, 'schema', 'violation', { path: problem.path, problem: problem.problem });
    for (const t of timestampTexts(tree)) diag(t.range, 'swarm-ignored-key', 'timestampText', { path: t.path });
    const config = normaliseFile(tree as PMap, diagnostics, span);
    configs.push(config);
    trees.push(tree);
    for (const kind of ['secret', 'config'] as const) for (const name of config.definitions[kind]) sources.delete(`${kind}\0${name}`);
    for (const f of fileSources(tree, workingDir)) sources.set(`${f.kind}\0${f.name}`, f);
  });

  // Merge in order.
  const services = new Map<string, NService>();
  const networks = new Map<string, NNetwork>();
  for (const cfg of configs) {
    for (const s of cfg.services) {
      const prev = services.get(s.name);
      services.set(s.name, prev ? mergeService(prev, s) : s);
    }
    for (const n of cfg.networks) networks.set(n.name, n);
  }
  const stackName = options.name ?? 'stack';
  const stack = buildModel(stackName, text, infos, [...services.values()], [...networks.values()], configs[0]?.servicesRange, span, diag);
  // Secrets, configs and named volumes: defined in any file of the set, used by the merged services.
  stack.definitions = {
    secret: [...new Set(configs.flatMap((c) => c.definitions.secret))],
    config: [...new Set(configs.flatMap((c) => c.definitions.config))],
    volume: [...new Set(configs.flatMap((c) => c.definitions.volume))],
  };
  stack.fileObjects = [...sources.values()].map((f) => ({
    kind: f.kind,
    name: f.name,
    ...(f.problem ? { problem: f.problem } : {}),
    ...span(f.range),
  }));
  const merged = new Map([...services.values()].map((s) => [s.name, s]));
  for (const service of stack.services)
    service.uses = (merged.get(service.name)?.uses ?? []).map((u) => ({ kind: u.kind, name: u.name, ...span(u.range) }));
  stack.diagnostics = diagnostics;
  stack.comments = comments;
  if (version !== undefined) stack.version = version;
  return { text, stack, interpolated: options.plainValues === true ? trees.map(toJS) : [] };
}

/**
 * The schema version of one file as docker/cli's schema.Version reads it: the raw `version` value (before
 * interpolation) printed with Go's `%v` (so `3.10` unquoted is "3.1", null is "<nil>"), "" and "3" meaning 3.13.
 */
export function schemaVersionOf(root: PMap): string {
  const v = get(root, 'version');
  if (v === undefined) return DEFAULT_SCHEMA_VERSION;
  let text: string;
  if (v.kind === 'scalar') text = v.value === null ? '<nil>' : String(v.value);
  else text = v.kind === 'seq' ? '[…]' : 'map[…]';
  return text === '' || text === '3' ? DEFAULT_SCHEMA_VERSION : text;
}

function checkVersion(
  root: PMap,
  first: boolean,
  seen: string | undefined,
  diag: (r: Range, rule: LoadDiagnostic['rule'], id: string, data: Record<string, string>) => void,
  set: (v: string) => void,
): boolean {
  const pair = getPair(root, 'version');
  const version = schemaVersionOf(root);
  if (first) set(version);
  else if (seen !== undefined && seen !== version) {
    diag(pair?.value.range ?? root.range, 'schema', 'violation', {
      path: 'version',
      problem: `is ${version} here but ${seen} in the first file; docker stack deploy refuses files of different versions ("version mismatched")`,
    });
    return false;
  }
  if (!SCHEMA_VERSIONS.includes(version)) {
    diag(pair?.value.range ?? root.range, 'schema', 'violation', {
      path: 'version',
      problem: `"${version}" is not a version docker stack deploy accepts (3.0 to 3.13; without \`version\` it uses 3.13): "unsupported Compose file version"`,
    });
    return false;
  }
  return true;
}

/**
 * `restart` is docker/cli's fallback restart policy (convertRestartPolicy): used when `deploy.restart_policy` is
 * absent, so it is ignored only when that is set, or when `"no"` silently becomes swarm's default (restart on any
 * exit). `always`, `unless-stopped` and `on-failure[:N]` do what they say.
 */
function restartIgnored(service: PValue, value: PValue): string | undefined {
  if (get(get(service, 'deploy'), 'restart_policy') !== undefined) return IGNORED_KEYS.restart;
  if (value.kind === 'scalar' && (value.value === 'no' || value.value === false))
    return '`"no"` is read as no policy, so swarm applies its default and restarts tasks on any exit; set `deploy.restart_policy.condition: none`';
  return undefined;
}

/** Reports forbidden and ignored service keys; returns the start offsets of the forbidden ones. */
function checkForbidden(
  root: PMap,
  diag: (r: Range, rule: LoadDiagnostic['rule'], id: string, data: Record<string, string>) => void,
): Set<number> {
  const found = new Set<number>();
  const services = get(root, 'services');
  if (services?.kind !== 'map') return found;
  for (const s of services.pairs) {
    if (s.value.kind !== 'map') continue;
    for (const p of s.value.pairs) {
      const key = String(p.key.value);
      const why = FORBIDDEN_KEYS[key];
      if (why) {
        found.add(p.key.range[0]);
        diag(p.key.range, 'schema', 'forbidden', { path: `services.${String(s.key.value)}.${key}`, key, why });
      }
      const ignored = key === 'restart' ? restartIgnored(s.value, p.value) : IGNORED_KEYS[key];
      if (ignored) diag(p.key.range, 'swarm-ignored-key', 'ignored', { service: String(s.key.value), key, why: ignored });
      // A fixed address on a network: docker/cli keeps it in the model but its convert step never reads it
      // (cli/compose/convert/service.go convertServiceNetworks passes only the aliases): swarm assigns the address.
      if (key === 'networks' && p.value.kind === 'map')
        for (const n of p.value.pairs)
          for (const a of n.value.kind === 'map' ? n.value.pairs : [])
            if (a.key.value === 'ipv4_address' || a.key.value === 'ipv6_address')
              diag(a.key.range, 'swarm-ignored-key', 'ignored', {
                service: String(s.key.value),
                key: `networks.${String(n.key.value)}.${a.key.value}`,
                why: 'swarm gives each task an address from the network’s subnet and never a fixed one; reach the service by its name or its virtual IP',
              });
    }
  }
  return found;
}

function normaliseFile(root: PMap, diagnostics: LoadDiagnostic[], span: (r: Range) => Span): FileConfig {
  const out: FileConfig = { services: [], networks: [], definitions: fileDefinitions(root) };
  const servicesPair = getPair(root, 'services');
  if (servicesPair) out.servicesRange = servicesPair.key.range;
  if (servicesPair?.value.kind === 'map') {
    for (const p of servicesPair.value.pairs) {
      if (p.value.kind === 'map' || (p.value.kind === 'scalar' && p.value.value === null)) {
        out.services.push(normaliseService(String(p.key.value), p.key.range, p.value, diagnostics, span));
      }
    }
  }
  const networks = get(root, 'networks');
  if (networks?.kind === 'map') {
    for (const p of networks.pairs) out.networks.push(normaliseNetwork(String(p.key.value), p.key.range, p.value));
  }
  return out;
}

// ------------------------------------------------------------------------------------------------------------
// The model
// ------------------------------------------------------------------------------------------------------------

const MODES = new Set(['replicated', 'global', 'replicated-job', 'global-job']);
const URL_HOSTS = /[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([^/\s?#]+)/gi;
const HOST_VARIABLE = /(HOST|HOSTNAME|HOSTS|SERVER|SERVERS|ADDR|ADDRESS|ENDPOINT|BROKERS?|NODES?)$/i;

/** Hostnames in an environment value that name a service of the stack (a URL's host, or a bare `host[:port]`). */
function referencedHosts(variable: string, value: string): string[] {
  const hosts: string[] = [];
  for (const m of value.matchAll(URL_HOSTS)) {
    for (const hostPort of (m[1] ?? '').split(',')) hosts.push(hostPort.replace(/:\d+$/, ''));
  }
  if (hosts.length === 0 && HOST_VARIABLE.test(variable)) {
    for (const hostPort of value.split(',')) hosts.push(hostPort.trim().replace(/:\d+$/, ''));
  }
  return hosts.map((h) => h.replace(/^tasks\./, '')).filter((h) => /^[A-Za-z0-9._-]+$/.test(h));
}

function buildModel(
  name: string,
  text: string,
  files: StackFileInfo[],
  services: NService[],
  networks: NNetwork[],
  servicesRange: Range | undefined,
  span: (r: Range) => Span,
  diag: Diag,
): Stack {
  const serviceNames = new Set(services.map((s) => s.name));
  const declared = new Set(networks.map((n) => n.name));
  const usesDefault = services.some((s) => !s.networks || s.networks.size === 0);
  /** A value as read, unless it came from a variable (its text holds `$`). */
  const plain = (v: Val<string> | undefined): string | undefined =>
    v && !text.slice(v.range[0], v.range[1]).includes('$') ? v.value : undefined;
  const modelNetworks = networks.map((n) => modelNetwork(n, span, plain));
  if (usesDefault && !declared.has('default')) modelNetworks.push(implicitDefaultNetwork(name, servicesRange ?? [0, 0], span));
  const modelServices = services.map((s) => {
    checkService(s, declared, diag);
    return modelService(s, serviceNames, span);
  });
  return {
    type: 'Stack',
    ...span([0, text.length]),
    at: {},
    ref: { kind: 'stack', name },
    name,
    files,
    services: modelServices,
    networks: modelNetworks,
    diagnostics: [],
    comments: [],
  };
}

type Diag = (r: Range, rule: LoadDiagnostic['rule'], id: string, data: Record<string, string>) => void;

function modelNetwork(n: NNetwork, span: (r: Range) => Span, plain: (v: Val<string> | undefined) => string | undefined): Network {
  const at: Network['at'] = { name: span(n.keyRange) };
  if (n.driver) at.driver = span(n.driver.range);
  if (n.encrypted) at.encrypted = span(n.encrypted.range);
  if (n.mtuRaw) at.mtu = span(n.mtuRaw.range);
  const encryptedOption = plain(n.encryptedValue);
  const mtuOption = plain(n.mtuRaw);
  const driverOpts = {
    ...(encryptedOption !== undefined ? { encrypted: encryptedOption } : {}),
    ...(mtuOption !== undefined ? { mtu: mtuOption } : {}),
  };
  return {
    type: 'Network',
    ...span(n.range),
    at,
    ref: { kind: 'network', name: n.name },
    name: n.name,
    driver: n.external ? (n.driver?.value ?? '') : (n.driver?.value ?? 'overlay'),
    external: n.external,
    attachable: n.attachable,
    internal: n.internal,
    ingress: false,
    encrypted: n.encrypted !== undefined,
    ...(n.mtu ? { mtu: n.mtu.value } : {}),
    ...(Object.keys(driverOpts).length > 0 ? { driverOpts } : {}),
    subnets: n.subnets.map((s): Subnet => ({ type: 'Subnet', ...span(s.range), at: {}, cidr: s.value.trim() })),
    implicit: false,
  };
}

/** The `<stack>_default` network a stack creates for services that name none. */
function implicitDefaultNetwork(stack: string, range: Range, span: (r: Range) => Span): Network {
  return {
    type: 'Network',
    ...span(range),
    at: {},
    ref: { kind: 'network', name: `${stack}_default` },
    name: 'default',
    driver: 'overlay',
    external: false,
    attachable: false,
    internal: false,
    ingress: false,
    encrypted: false,
    subnets: [],
    implicit: true,
  };
}

/** What docker stack deploy (and the daemon) refuse in a service beyond the schema: ids and data for the `schema` rule. */
function checkService(s: NService, declared: ReadonlySet<string>, diag: Diag): void {
  if (s.mode && !MODES.has(s.mode.value))
    diag(s.mode.range, 'schema', 'unknownMode', { service: s.name, mode: echoNearMiss(s.mode.value, [...MODES], 'here') });
  const mode = s.mode?.value;
  if (s.replicas && (mode === 'global' || mode === 'global-job'))
    diag(s.replicas.range, 'schema', 'replicasNotReplicated', { service: s.name });
  const endpointText = s.endpointMode?.value.toLowerCase();
  if (s.endpointMode && endpointText !== 'vip' && endpointText !== 'dnsrr')
    diag(s.endpointMode.range, 'schema', 'unknownEndpointMode', {
      service: s.name,
      endpointMode: echoNearMiss(s.endpointMode.value, ['vip', 'dnsrr'], 'here'),
    });
  if (!s.image) diag(s.keyRange, 'schema', 'noImage', { service: s.name });
  for (const [netName, n] of s.networks ?? []) {
    if (!declared.has(netName) && netName !== 'default')
      diag(n.range, 'schema', 'undeclaredNetwork', { service: s.name, network: netName });
  }
}

function modelService(s: NService, serviceNames: ReadonlySet<string>, span: (r: Range) => Span): Service {
  const at: Service['at'] = { name: span(s.keyRange) };
  if (s.mode) at.mode = span(s.mode.range);
  if (s.replicas) at.replicas = span(s.replicas.range);
  if (s.endpointMode) at.endpointMode = span(s.endpointMode.range);
  if (s.maxReplicasPerNode) at.maxReplicasPerNode = span(s.maxReplicasPerNode.range);
  if (s.image) at.image = span(s.image.range);
  const modeText = s.mode?.value ?? 'replicated';
  const mode: ServiceMode = MODES.has(modeText) ? (modeText as ServiceMode) : 'replicated';
  const serviceNetworks = [...(s.networks ?? [])].map(([netName, n]): ServiceNetwork => ({
    type: 'ServiceNetwork',
    ...span(n.range),
    at: {},
    name: netName,
    aliases: n.aliases,
  }));
  const constraints: Constraint[] = s.constraints.map((c) => {
    const m = /^\s*([^=!\s]+)\s*(==|!=)\s*(.*?)\s*$/.exec(c.value);
    return {
      type: 'Constraint',
      ...span(c.range),
      at: {},
      expression: c.value,
      key: m?.[1] ?? c.value,
      operator: (m?.[2] ?? '==') as '==' | '!=',
      value: m?.[3] ?? '',
    };
  });
  const portBindings: PortBinding[] = (s.ports ?? []).map((p) => ({
    type: 'PortBinding',
    ...span(p.range),
    at: {},
    target: p.target,
    ...(p.published ? { published: p.published } : {}),
    protocol: p.protocol,
    mode: p.mode,
    syntax: p.syntax,
    ...(p.hostIp ? { hostIp: p.hostIp } : {}),
    specIndex: p.index,
    specCount: p.count,
  }));
  return {
    type: 'Service',
    ...span(s.range),
    at,
    ref: { kind: 'service', name: s.name },
    name: s.name,
    ...(s.image ? { image: s.image.value } : {}),
    mode,
    replicas: mode === 'replicated' || mode === 'replicated-job' ? (s.replicas?.value ?? 1) : 0,
    endpointMode: s.endpointMode?.value.toLowerCase() === 'dnsrr' ? 'dnsrr' : 'vip',
    ports: portBindings,
    networks: serviceNetworks,
    defaultNetwork: !s.networks || s.networks.size === 0,
    constraints,
    ...(s.spreads.length > 0 ? { spreads: s.spreads.map((v) => ({ descriptor: v.value, ...span(v.range) })) } : {}),
    ...(s.maxReplicasPerNode ? { maxReplicasPerNode: s.maxReplicasPerNode.value } : {}),
    references: serviceReferences(s, serviceNames, span),
    keys: [...s.keys.keys()],
  };
}

/** Where a service names another: `depends_on`, `links`, and host names in its environment values. */
function serviceReferences(s: NService, serviceNames: ReadonlySet<string>, span: (r: Range) => Span): ServiceReference[] {
  const references: ServiceReference[] = [];
  for (const d of s.dependsOn) references.push({ type: 'ServiceReference', ...span(d.range), at: {}, via: 'depends_on', target: d.value });
  for (const l of s.links)
    references.push({ type: 'ServiceReference', ...span(l.range), at: {}, via: 'links', target: l.value.split(':')[0] ?? l.value });
  for (const [variable, v] of s.environment) {
    if (v.value === null) continue;
    for (const host of new Set(referencedHosts(variable, v.value))) {
      if (serviceNames.has(host) && host !== s.name)
        references.push({ type: 'ServiceReference', ...span(v.range), at: {}, via: 'environment', target: host, variable });
    }
  }
  return references;
}

/** For ESLint users: one file's text to a model (no merge, environment from the process). */
export function loadStackText(text: string, path: string): Stack {
  checkDepth(text, path, defaultLimits.maxDepth);
  const env = new Map(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
  return loadStack([{ path, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text }], { env }).stack;
}

import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Environment } from './interpolate.js';
import { get, type PMap, type PScalar, type PValue } from './yaml.js';
import type { Range } from '../model.js';

/**
 * The checks docker/cli's loader makes after the schema (cli/compose/loader loadSections and its transformers,
 * v28.2.2): each one makes `docker stack config` and `docker stack deploy` refuse the file. They run on one
 * file's interpolated tree, as docker's do.
 */
export interface DockerProblem {
  range: Range;
  path: string;
  problem: string;
}

export interface DockerCheckOptions {
  /** docker's working directory: the folder of the first file (`-c`); env files are read relative to it. */
  workingDir: string | undefined;
  env: Environment;
}

const scalarText = (v: PValue | undefined): string | undefined => (v?.kind === 'scalar' && v.value !== null ? String(v.value) : undefined);

/** go-units RAMInBytes, which docker/cli's transformSize applies to a size given as text. */
const RAM_IN_BYTES = /^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/;

/** docker/cli ParseVolume (cli/compose/loader/volume.go): the error, or undefined when docker accepts the spec. */
export function shortVolumeError(spec: string): string | undefined {
  if (spec === '') return 'invalid empty volume spec';
  // A section ends only at `:` (or a NUL): without either, the spec is one target.
  if (!spec.includes(':') && !spec.includes('\0')) return undefined;
  // Three runes take at most six UTF-16 units, so the first six tell whether there are more than two.
  if (Array.from(spec.slice(0, 6)).length <= 2) return undefined;
  // Go ranges over runes (code points): a section is counted in runes (a surrogate pair is one), its text sliced
  // out; the end of the spec reads as a NUL.
  let count = 0;
  let start = 0;
  let source = '';
  let target = '';
  const n = spec.length;
  for (let at = 0; at <= n;) {
    const c = at < n ? spec.charCodeAt(at) : 0;
    const width = c >= 0xd800 && c <= 0xdbff && at + 1 < n && (spec.charCodeAt(at + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
    if (c === 58 /* : */ && count === 1 && isLetter(spec.slice(start, at))) {
      count++;
    } else if (c === 58 || c === 0) {
      if (count === 0) return `invalid spec: ${spec}: empty section between colons`;
      const text = spec.slice(start, at);
      if (source === '' && c === 0) target = text;
      else if (source === '') source = text;
      else if (target === '') target = text;
      else if (c === 58) return `invalid spec: ${spec}: too many colons`;
      count = 0;
      start = at + 1;
    } else count++;
    at += width;
  }
  return undefined;
}

/** Go's unicode.IsLetter of one rune (a drive letter before `:`). */
function isLetter(rune: string): boolean {
  const c = rune.charCodeAt(0);
  return c < 0x80 ? rune.length === 1 && (c | 32) >= 97 && (c | 32) <= 122 : /\p{L}/u.test(rune);
}

/** google/shlex's errors, which docker/cli's transformShellCommand returns for `command`/`entrypoint` text. */
export function shlexError(text: string): string | undefined {
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return 'EOF found after escape character';
      i++;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
  }
  return quote ? 'EOF found when expecting closing quote' : undefined;
}

/** docker/cli opts.ParseEnvFile: the variables of one env file, or the error docker gives. */
export function parseEnvFile(
  text: string,
  path: string,
  env: Environment,
): { ok: true; vars: Map<string, string | null> } | { ok: false; error: string } {
  const vars = new Map<string, string | null>();
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (const raw of lines) {
    const line = raw.replace(/^[ \t\n\v\f\r]+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    const name = eq === -1 ? line : line.slice(0, eq);
    if (name === '') return { ok: false, error: `invalid env file (${path}): no variable name on line '${line}'` };
    if (/[ \t\n\v\f\r]/.test(name)) return { ok: false, error: `invalid env file (${path}): variable '${name}' contains whitespaces` };
    if (eq !== -1) vars.set(name, line.slice(eq + 1));
    else if (env.has(name)) vars.set(name, env.get(name) ?? '');
  }
  return { ok: true, vars };
}

/**
 * Maps docker/cli turns into text with fmt (Mapping, Labels, map[string]string): a timestamp there decodes, but as
 * Go prints a time.Time (`timestampTexts`).
 */
const TEXT_MAPS = new Set(['environment', 'labels', 'driver_opts', 'sysctls', 'extra_hosts', 'options', 'args']);

/**
 * The path to a value as docker/cli names it (`services.web.ports[0]`), from the keys and list indexes on the way
 * to it: spelt out only for a value that is reported.
 */
function pathOf(steps: readonly (string | number)[]): string {
  let path = '';
  for (const step of steps) path = typeof step === 'number' ? `${path}[${String(step)}]` : path ? `${path}.${step}` : step;
  return path;
}

/** `mapKey`: the key of the mapping holding `v` (a mapping's scalar values are checked against it). */
function walkValues(v: PValue, steps: (string | number)[], out: DockerProblem[], mapKey = '', ownKey = ''): void {
  if (out.length > 0) return;
  if (v.kind === 'scalar') {
    if (typeof v.value === 'number' && !Number.isFinite(v.value))
      out.push({
        range: v.range,
        path: pathOf(steps),
        problem: `is ${String(v.value)}, which docker cannot hold ("json: unsupported value"); quote it if it is text`,
      });
    else if (v.timestamp && !TEXT_MAPS.has(mapKey)) {
      const path = pathOf(steps);
      if (!path.startsWith('x-'))
        out.push({
          range: v.range,
          path,
          problem: 'is read as a timestamp by docker 28 and later (yaml.v3), which it then fails to decode ("decoding failed"); quote it',
        });
    }
    return;
  }
  if (v.kind === 'map')
    for (const p of v.pairs) {
      const key = String(p.key.value);
      steps.push(key);
      walkValues(p.value, steps, out, ownKey, key);
      steps.pop();
    }
  else
    v.items.forEach((item, i) => {
      steps.push(i);
      walkValues(item, steps, out, ownKey, ownKey);
      steps.pop();
    });
}

const UNSIGNED: [string[], string][] = [
  [['deploy', 'replicas'], 'deploy.replicas'],
  [['deploy', 'placement', 'max_replicas_per_node'], 'deploy.placement.max_replicas_per_node'],
  [['deploy', 'update_config', 'parallelism'], 'deploy.update_config.parallelism'],
  [['deploy', 'rollback_config', 'parallelism'], 'deploy.rollback_config.parallelism'],
  [['deploy', 'restart_policy', 'max_attempts'], 'deploy.restart_policy.max_attempts'],
  [['healthcheck', 'retries'], 'healthcheck.retries'],
];

function at(v: PValue | undefined, keys: string[]): PValue | undefined {
  let cur = v;
  for (const k of keys) cur = get(cur, k);
  return cur;
}

function checkService(name: string, s: PValue, options: DockerCheckOptions, out: DockerProblem[]): void {
  const path = `services.${name}`;
  for (const [keys, label] of UNSIGNED) {
    const v = at(s, keys);
    if (v?.kind === 'scalar' && typeof v.value === 'number' && v.value < 0)
      out.push({ range: v.range, path: `${path}.${label}`, problem: 'must not be negative (docker fails to decode it)' });
  }
  const ports = get(s, 'ports');
  if (ports?.kind === 'seq')
    ports.items.forEach((p, i) => {
      if (p.kind === 'scalar' && p.float)
        out.push({
          range: p.range,
          path: `${path}.ports[${String(i)}]`,
          problem: 'is a float, which docker cannot decode as a port ("decoding failed"); write an integer or quote it',
        });
      for (const k of ['target', 'published']) {
        const v = get(p, k);
        if (v?.kind === 'scalar' && typeof v.value === 'number' && v.value < 0)
          out.push({
            range: v.range,
            path: `${path}.ports[${String(i)}].${k}`,
            problem: 'must not be negative (docker fails to decode it)',
          });
      }
    });
  for (const keys of [['deploy', 'resources', 'limits', 'memory'], ['deploy', 'resources', 'reservations', 'memory'], ['shm_size']]) {
    const v = at(s, keys);
    if (v?.kind === 'scalar' && typeof v.value === 'string' && !RAM_IN_BYTES.test(v.value))
      out.push({ range: v.range, path: `${path}.${keys.join('.')}`, problem: 'is not a size docker reads (such as `512m` or `1.5g`)' });
  }
  for (const key of ['command', 'entrypoint']) {
    const v = get(s, key);
    const error = v?.kind === 'scalar' && typeof v.value === 'string' ? shlexError(v.value) : undefined;
    if (v && error) out.push({ range: v.range, path: `${path}.${key}`, problem: `cannot be split into words as docker does: ${error}` });
  }
  const volumes = get(s, 'volumes');
  if (volumes?.kind === 'seq')
    volumes.items.forEach((v, i) => {
      if (v.kind === 'scalar' && typeof v.value === 'string') {
        const error = shortVolumeError(v.value);
        if (error)
          out.push({ range: v.range, path: `${path}.volumes[${String(i)}]`, problem: `is not a volume docker can read: ${error}` });
      } else if (v.kind === 'map' && scalarText(get(v, 'type')) === 'bind' && !scalarText(get(v, 'source'))) {
        out.push({
          range: v.range,
          path: `${path}.volumes[${String(i)}]`,
          problem: 'is a bind mount without `source`: docker refuses it ("field Source must not be empty")',
        });
      }
    });
  const envFile = get(s, 'env_file');
  const files: PScalar[] =
    envFile?.kind === 'scalar' ? [envFile] : envFile?.kind === 'seq' ? envFile.items.filter((x): x is PScalar => x.kind === 'scalar') : [];
  for (const f of files) {
    if (typeof f.value !== 'string' || options.workingDir === undefined) continue;
    const file = isAbsolute(f.value) ? f.value : join(options.workingDir, f.value);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const code = (error as { code?: string }).code ?? 'unreadable';
      out.push({
        range: f.range,
        path: `${path}.env_file`,
        problem: `names ${f.value}, which docker cannot read when it loads the file (${code})`,
      });
      continue;
    }
    const parsed = parseEnvFile(text, f.value, options.env);
    if (!parsed.ok) out.push({ range: f.range, path: `${path}.env_file`, problem: `is refused by docker: ${parsed.error}` });
  }
}

type Section = 'networks' | 'volumes' | 'secrets' | 'configs';

function checkTopLevel(section: Section, name: string, v: PValue, out: DockerProblem[]): void {
  const path = `${section}.${name}`;
  const external = get(v, 'external');
  const isExternal = (external?.kind === 'scalar' && external.value === true) || external?.kind === 'map';
  const externalName = scalarText(get(external, 'name'));
  const ownName = scalarText(get(v, 'name'));
  const singular = section.slice(0, -1);
  if (isExternal && section === 'volumes') {
    for (const key of ['driver', 'driver_opts', 'labels']) {
      const x = get(v, key);
      const set =
        x !== undefined &&
        (x.kind === 'scalar' ? x.value !== null && x.value !== '' : x.kind === 'map' ? x.pairs.length > 0 : x.items.length > 0);
      if (set) {
        out.push({
          range: x.range,
          path: `${path}.${key}`,
          problem: `cannot be combined with \`external\`: docker refuses it ("conflicting parameters")`,
        });
        return;
      }
    }
  }
  if (isExternal && externalName && ownName) {
    out.push({
      range: v.range,
      path,
      problem: `has both \`external.name\` and \`name\`: docker refuses it ("${singular}.external.name and ${singular}.name conflict; only use ${singular}.name")`,
    });
    return;
  }
  if (!isExternal && (section === 'secrets' || section === 'configs') && scalarText(get(v, 'driver')) && scalarText(get(v, 'file'))) {
    out.push({
      range: v.range,
      path,
      problem: `has both \`driver\` and \`file\`: docker refuses it ("${singular}.driver and ${singular}.file conflict")`,
    });
  }
}

/** docker/cli's load-time refusals of one interpolated, schema-valid file, in docker's order (first one only, as docker stops there). */
/**
 * Plain dates and date-times in maps docker/cli turns into text (environment, labels, extra_hosts, driver_opts, …):
 * yaml.v3 (docker ≥ 28) decodes them into interface{} as time.Time, and docker/cli then formats that with fmt, so
 * `A: 2001-12-14` reaches the container as `2001-12-14 00:00:00 +0000 UTC` (`docker stack config` 28.2.2 prints
 * that). yaml.v2 (docker ≤ 27) keeps the text there (decode.go: "for backward compatibility reasons we set it as a
 * string"), so `PScalar.timestamp`, set only in the v3 dialect, is the whole test.
 */
export function timestampTexts(root: PValue): { range: Range; path: string }[] {
  const out: { range: Range; path: string }[] = [];
  const steps: (string | number)[] = [];
  const walk = (v: PValue, mapKey: string, ownKey: string): void => {
    if (v.kind === 'scalar') {
      if (v.timestamp && TEXT_MAPS.has(mapKey)) {
        const path = pathOf(steps);
        if (!path.startsWith('x-')) out.push({ range: v.range, path });
      }
    } else if (v.kind === 'map')
      for (const p of v.pairs) {
        const key = String(p.key.value);
        steps.push(key);
        walk(p.value, ownKey, key);
        steps.pop();
      }
    else
      v.items.forEach((item, i) => {
        steps.push(i);
        walk(item, ownKey, ownKey);
        steps.pop();
      });
  };
  walk(root, '', '');
  return out;
}

export function dockerLoadProblems(root: PMap, options: DockerCheckOptions): DockerProblem[] {
  const out: DockerProblem[] = [];
  walkValues(root, [], out);
  if (out.length > 0) return out;
  const services = get(root, 'services');
  if (services?.kind === 'map') for (const p of services.pairs) checkService(String(p.key.value), p.value, options, out);
  for (const section of ['networks', 'volumes', 'secrets', 'configs'] as const) {
    const v = get(root, section);
    if (v?.kind === 'map') for (const p of v.pairs) checkTopLevel(section, String(p.key.value), p.value, out);
  }
  return out;
}

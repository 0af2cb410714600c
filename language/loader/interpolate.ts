import type { PMap, PScalar, PSeq, PValue } from './yaml.js';

/**
 * Variable interpolation as docker/cli does it (cli/compose/template, cli/compose/interpolation): `$$`, `$VAR`,
 * `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`; every string value at any
 * depth, never keys. An unset variable becomes an empty string (docker/cli says nothing; we report it, since a
 * CI gate usually runs without the deploy environment). Anything else after `$` is an invalid template.
 */
export interface InterpolationProblem {
  kind: 'invalid' | 'required' | 'unset' | 'cast';
  /** Variable name (never its value). */
  variable?: string;
  /** The `?message` given in the file, or the cast error. */
  detail?: string;
  /** Dotted path of the value, as docker/cli names it (`services.web.image`). */
  path: string;
  scalar: PScalar;
}

export type Environment = ReadonlyMap<string, string>;

const NAME = '[_a-zA-Z][_a-zA-Z0-9]*';
const SUBSTITUTION = `${NAME}(?::?[-?][^}]*)?`;
const PATTERN = new RegExp(`\\$(?:(\\$)|(${SUBSTITUTION})|\\{(${SUBSTITUTION})\\}|())`, 'g');

interface Outcome {
  value: string;
  problems: Omit<InterpolationProblem, 'path' | 'scalar'>[];
}

/** Substitutes one string. Mirrors docker/cli's template.Substitute, including its order of modifiers. */
export function substitute(template: string, env: Environment): Outcome {
  const problems: Outcome['problems'] = [];
  const state = { invalid: false };
  const value = template.replace(PATTERN, (_m, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
    if (escaped !== undefined) return '$';
    const sub = named ?? braced;
    if (sub === undefined) {
      state.invalid = true;
      return '';
    }
    // docker/cli tests for the modifiers with strings.Contains, in this order.
    for (const [sep, apply] of MODIFIERS) {
      const at = sub.indexOf(sep);
      if (at === -1) continue;
      const name = sub.slice(0, at);
      const rest = sub.slice(at + sep.length);
      return apply(name, rest, env, problems);
    }
    const v = env.get(sub);
    if (v === undefined) problems.push({ kind: 'unset', variable: sub });
    return v ?? '';
  });
  if (state.invalid) return { value: template, problems: [{ kind: 'invalid' }] };
  return { value, problems };
}

type Modifier = (name: string, rest: string, env: Environment, problems: Outcome['problems']) => string;

const MODIFIERS: [string, Modifier][] = [
  [':-', (name, def, env) => env.get(name) || def],
  ['-', (name, def, env) => env.get(name) ?? def],
  [
    ':?',
    (name, message, env, problems) => {
      const v = env.get(name);
      if (!v) problems.push({ kind: 'required', variable: name, detail: message });
      return v ?? '';
    },
  ],
  [
    '?',
    (name, message, env, problems) => {
      const v = env.get(name);
      if (v === undefined) problems.push({ kind: 'required', variable: name, detail: message });
      return v ?? '';
    },
  ],
];

/** Paths whose interpolated strings docker/cli casts back to numbers or booleans (interpolateTypeCastMapping). */
const CASTS: [RegExp, 'int' | 'float' | 'bool'][] = [
  [/^services\.[^.]+\.(configs|secrets)\.\[\]\.mode$/, 'int'],
  [/^services\.[^.]+\.healthcheck\.retries$/, 'int'],
  [/^services\.[^.]+\.deploy\.(replicas|update_config\.parallelism|rollback_config\.parallelism|restart_policy\.max_attempts)$/, 'int'],
  [/^services\.[^.]+\.deploy\.placement\.max_replicas_per_node$/, 'int'],
  [/^services\.[^.]+\.ports\.\[\]\.(target|published)$/, 'int'],
  [/^services\.[^.]+\.ulimits\.[^.]+(\.(hard|soft))?$/, 'int'],
  [/^services\.[^.]+\.oom_score_adj$/, 'int'],
  [/^services\.[^.]+\.deploy\.(update_config|rollback_config)\.max_failure_ratio$/, 'float'],
  [/^services\.[^.]+\.(healthcheck\.disable|privileged|read_only|stdin_open|tty)$/, 'bool'],
  [/^services\.[^.]+\.volumes\.\[\]\.(read_only|volume\.nocopy)$/, 'bool'],
  [/^networks\.[^.]+\.(external|internal|attachable)$/, 'bool'],
  [/^(volumes|secrets|configs)\.[^.]+\.external$/, 'bool'],
];

/** Where every path of CASTS starts. */
const CAST_SECTIONS = /^(?:services|networks|volumes|secrets|configs)\./;

function cast(path: string, value: string): { ok: true; value: string | number | boolean } | { ok: false; error: string } | undefined {
  const kind = CAST_SECTIONS.test(path) ? CASTS.find(([re]) => re.test(path))?.[1] : undefined;
  if (!kind) return undefined;
  if (kind === 'bool') {
    const v = value.toLowerCase();
    if (['y', 'yes', 'true', 'on'].includes(v)) return { ok: true, value: true };
    if (['n', 'no', 'false', 'off'].includes(v)) return { ok: true, value: false };
    return { ok: false, error: `invalid boolean: ${value}` };
  }
  // strconv.Atoi and strconv.ParseFloat: no spaces, no base prefixes.
  const n = kind === 'int' ? (/^[-+]?\d+$/.test(value) ? Number(value) : NaN) : GO_FLOAT.test(value) ? goFloat(value) : NaN;
  return !Number.isNaN(n) || (kind === 'float' && /nan$/i.test(value))
    ? { ok: true, value: n }
    : { ok: false, error: `failed to cast to expected type: ${kind === 'int' ? 'not an integer' : 'not a number'}` };
}

const GO_FLOAT = /^[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|inf|infinity|nan)$/i;

function goFloat(value: string): number {
  const v = value.toLowerCase().replace(/^\+/, '');
  if (v === 'inf' || v === 'infinity') return Infinity;
  if (v === '-inf' || v === '-infinity') return -Infinity;
  if (v === 'nan' || v === '-nan') return NaN;
  return Number(value);
}

/**
 * Interpolates every string scalar of a file's tree; returns a new tree (ranges kept) and the problems. A subtree
 * without a changed value is returned as it is (shared with the input), and a value's path is spelt out only when
 * it is needed (a `$` in it, or an aliased subtree met again).
 */
export function interpolateTree(root: PValue, env: Environment): { tree: PValue; problems: InterpolationProblem[] } {
  const problems: InterpolationProblem[] = [];
  const seen = new Map<PValue, PValue>();
  // The keys on the way to the value being walked (null for a list item): its path, as docker/cli names it.
  const steps: (string | null)[] = [];
  const pathOf = (): string => {
    let path = '';
    for (const key of steps) path = key === null ? `${path}.[]` : path ? `${path}.${key}` : key;
    return path;
  };
  const walk = (v: PValue): PValue => {
    if (v.kind === 'scalar') {
      if (typeof v.value !== 'string' || !v.value.includes('$')) return v;
      const path = pathOf();
      const out = substitute(v.value, env);
      for (const p of out.problems) problems.push({ ...p, path, scalar: v });
      // docker/cli casts only a value that interpolation changed (`replicas: "3"` stays text, and is refused).
      if (out.value === v.value) return v;
      const casted = cast(path, out.value);
      if (casted && !casted.ok) {
        problems.push({ kind: 'cast', detail: casted.error, path, scalar: v });
        return { ...v, value: out.value };
      }
      return { ...v, value: casted ? casted.value : out.value };
    }
    // Aliased subtrees appear under several paths; interpolation never depends on the path except for casts,
    // and casts only apply to scalars under services/networks, so sharing the result per node is safe enough
    // for everything but a cast under an alias, which we recompute.
    const cached = seen.get(v);
    if (cached) {
      const path = pathOf();
      if (!path.startsWith('services.') && !path.startsWith('networks.')) return cached;
    }
    let out: PValue;
    if (v.kind === 'map') {
      let pairs: PMap['pairs'] | undefined;
      for (let i = 0; i < v.pairs.length; i++) {
        const p = v.pairs[i] as PMap['pairs'][number];
        steps.push(String(p.key.value));
        const value = walk(p.value);
        steps.pop();
        if (value !== p.value) pairs ??= v.pairs.slice(0, i);
        pairs?.push(value === p.value ? p : { key: p.key, value });
      }
      out = pairs ? ({ kind: 'map', range: v.range, pairs } satisfies PMap) : v;
    } else {
      let items: PValue[] | undefined;
      steps.push(null);
      for (let i = 0; i < v.items.length; i++) {
        const item = v.items[i] as PValue;
        const value = walk(item);
        if (value !== item) items ??= v.items.slice(0, i);
        items?.push(value);
      }
      steps.pop();
      out = items ? ({ kind: 'seq', range: v.range, items } satisfies PSeq) : v;
    }
    seen.set(v, out);
    return out;
  };
  return { tree: walk(root), problems };
}

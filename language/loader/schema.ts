import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { atPointer, toJS, type PValue } from './yaml.js';
import type { Range } from '../model.js';

/** One schema violation: where, the dotted path as docker/cli names it, and a readable problem. */
export interface SchemaProblem {
  range: Range;
  path: string;
  problem: string;
}

/** The schema versions docker/cli ships (cli/compose/schema/data/config_schema_v3.N.json). */
export const SCHEMA_VERSIONS: readonly string[] = Array.from({ length: 14 }, (_, i) => `3.${String(i)}`);
export const DEFAULT_SCHEMA_VERSION = '3.13';

const validators = new Map<string, ValidateFunction>();

/**
 * A file of language/generated/: beside this module's folder in the sources and in tsc's dist/language/loader/;
 * one folder further in dist/cli/, where `npm run build` bundles the `lint` command (scripts/bundle-vendored.mjs).
 */
function generatedFile(name: string): string {
  const inBundle = new URL(`../language/generated/${name}`, import.meta.url);
  return fileURLToPath(existsSync(inBundle) ? inBundle : new URL(`../generated/${name}`, import.meta.url));
}

let loadValidator = (file: string): unknown => createRequire(import.meta.url)(file);

/**
 * How the precompiled validators are loaded (a CommonJS file each; `require` unless told): the CLI loads them
 * through its code cache (engine/code-cache.ts), which this layer does not import.
 */
export function setValidatorLoader(load: (file: string) => unknown): void {
  loadValidator = load;
}

/** docker/cli's stack schema of one version, precompiled (scripts/gen-schema-validators.mjs). Loaded on first use. */
function stackValidator(version: string): ValidateFunction {
  let v = validators.get(version);
  if (!v) {
    if (!SCHEMA_VERSIONS.includes(version)) throw new Error(`no stack schema ${version}`);
    v = loadValidator(generatedFile(`stack-schema-v${version}.cjs`)) as ValidateFunction;
    validators.set(version, v);
  }
  return v;
}

const HUMAN_TYPE: Record<string, string> = {
  object: 'a mapping',
  array: 'a list',
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  null: 'null',
};

function humanTypes(types: string[]): string {
  const names = [...new Set(types.map((t) => HUMAN_TYPE[t] ?? t))];
  return names.length <= 1 ? (names[0] ?? 'valid') : `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

function depth(instancePath: string): number {
  return instancePath === '' ? 0 : instancePath.split('/').length - 1;
}

/** `/services/web/ports/0` → `services.web.ports[0]`. */
export function dottedPath(instancePath: string): string {
  let out = '';
  for (const raw of instancePath.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(seg) ? `[${seg}]` : out ? `.${seg}` : seg;
  }
  return out || '(top level)';
}

/**
 * Picks the errors a person should see, as docker/cli does ("most specific" error): for a `oneOf` whose
 * branches failed deeper than the `oneOf` itself, only the deepest branch errors; where all branches failed at
 * the same place on type, one "must be a mapping or a list".
 */
function mostSpecific(errors: ErrorObject[]): ErrorObject[] {
  let rest = errors.filter((e) => e.keyword !== 'if');
  const oneOfs = rest
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const group of oneOfs) {
    if (!rest.includes(group)) continue;
    const prefix = `${group.schemaPath}/`;
    const branches = rest.filter((e) => e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(group.instancePath));
    rest = rest.filter((e) => e !== group && !branches.includes(e));
    if (branches.length === 0) {
      rest.push(group);
      continue;
    }
    const deepest = Math.max(...branches.map((e) => depth(e.instancePath)));
    if (deepest > depth(group.instancePath)) {
      rest.push(...branches.filter((e) => depth(e.instancePath) === deepest));
      continue;
    }
    const types = branches
      .filter((e) => e.keyword === 'type')
      .flatMap((e) => String((e.params as { type: string | string[] }).type).split(','));
    if (types.length === branches.length) {
      rest.push({ ...group, keyword: 'type', params: { type: types }, message: '' });
    } else {
      // A value of the right type that matches no branch (e.g. a string that is no valid format).
      rest.push(...branches.filter((e) => e.keyword !== 'type'));
    }
  }
  // The same message at the same place once.
  const seen = new Set<string>();
  return rest.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(e: ErrorObject, version: string): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'type': {
      const t = p.type;
      return `must be ${humanTypes(Array.isArray(t) ? t.map(String) : String(t).split(','))}`;
    }
    case 'additionalProperties':
      return `\`${String(p.additionalProperty)}\` is not allowed here (the v${version} stack schema does not know it)`;
    case 'required':
      return `\`${String(p.missingProperty)}\` is required`;
    case 'enum':
      return `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'format':
      return p.format === 'duration'
        ? 'must be a duration such as `30s` or `1m30s` (Go syntax: ns, us, ms, s, m, h)'
        : `does not match format '${String(p.format)}'`;
    case 'uniqueItems':
      return `has duplicate items (${String(p.j)} and ${String(p.i)})`;
    case 'oneOf':
    case 'anyOf':
      return 'matches none of the allowed forms';
    default:
      return e.message ?? e.keyword;
  }
}

/** Validates one file's (interpolated) tree against the stack schema of a version (3.0 … 3.13). */
export function validateStack(root: PValue, version: string = DEFAULT_SCHEMA_VERSION): SchemaProblem[] {
  const validate = stackValidator(version);
  if (validate(toJS(root))) return [];
  return mostSpecific(validate.errors ?? []).map((e) => {
    let pointer = e.instancePath;
    if (e.keyword === 'additionalProperties')
      pointer += `/${(e.params as { additionalProperty: string }).additionalProperty.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const { node, key } = atPointer(root, pointer);
    const at = e.keyword === 'additionalProperties' && key ? key : node;
    return { range: at.range, path: dottedPath(e.instancePath), problem: describe(e, version) };
  });
}

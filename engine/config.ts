import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorObject } from 'ajv';
import type { ESLint } from 'eslint';
import { rules as builtinRules, type SwarmlintRule } from '../rules/index.js';
import type { ClusterProfile } from '../language/settings.js';
import { ruleFor, UNUSED_SUPPRESSION, type RuleSetting } from './lint.js';
import type { LoadError } from '../language/loader/errors.js';
import { defaultLimits } from '../language/loader/limits.js';
import { dottedPath } from '../language/loader/schema.js';
import { atPointer, parseYaml, toJS } from '../language/loader/yaml.js';
import { LineIndex } from '../language/loader/text.js';
import { SEVERITIES, TOOL_NAME, type Severity } from '../language/meta.js';
import { didYouMean, suggest } from './suggest.js';
import { packageFile } from './package-file.js';

export const CONFIG_FILES = [
  'swarmlint.config.json',
  'swarmlint.config.yaml',
  'swarmlint.config.yml',
  'swarmlint.config.js',
  'swarmlint.config.mjs',
];

/** A configuration problem: exit 2, with the file (and line, for JSON and YAML) and the rule it concerns. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

type Setting = Severity | 'off';

export interface UserConfig {
  extends?: 'recommended' | 'all' | 'none';
  rules?: Record<string, Setting | 'warn' | 0 | 1 | 2 | [Setting | 'warn' | 0 | 1 | 2, ...unknown[]]>;
  plugins?: Record<string, string | ESLint.Plugin>;
  cluster?: ClusterProfile;
  failureThreshold?: Severity | 'none';
  maxWarnings?: number;
  unusedSuppressions?: Setting | 'warn' | 0 | 1 | 2;
  ignores?: string[];
  stackName?: string;
  docker?: DockerSettings;
  sameSwarm?: boolean;
  stacks?: { name: string; files: string[] }[];
}

/** The docker CLI the stacks are deployed with: its version picks how the files are read (YAML dialect). */
export interface DockerSettings {
  /** `28.2.2`, `27.5`, …: yaml.v3 from 28.0, yaml.v2 before. Default: the current release (28.x). */
  cliVersion?: string;
}

export interface ResolvedConfig {
  /** The config file, when there was one. */
  path?: string;
  rules: Record<string, RuleSetting>;
  plugins: Record<string, ESLint.Plugin>;
  cluster: ClusterProfile;
  failureThreshold: Severity | 'none';
  maxWarnings?: number;
  unusedSuppressions: Setting;
  ignores: string[];
  stackName?: string;
  docker: DockerSettings;
  /** The stacks of one run go to one swarm: their published ports can conflict. */
  sameSwarm: boolean;
  /** Named merge sets deployed to one swarm (`stacks:`), their files absolute, in merge order. */
  stacks: DeclaredStack[];
}

export interface DeclaredStack {
  name: string;
  files: string[];
}

export interface ConfigOptions {
  cwd: string;
  /** `--config FILE`; otherwise the nearest swarmlint.config.* in cwd or above. */
  configPath?: string;
  /** `--rule id:severity`, applied last. */
  ruleOverrides?: readonly string[];
  /** Built-in rules (tests may pass others). */
  builtins?: Readonly<Record<string, SwarmlintRule>>;
}

/** The nearest config file in `cwd` or a folder above it. */
export function findConfig(cwd: string): string | undefined {
  let dir = resolve(cwd);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const candidate = resolve(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

let ajvInstance: import('ajv').Ajv | undefined;
/** Ajv is loaded only when there is a config file or rule options to check (it costs start-up time). */
async function ajv(): Promise<import('ajv').Ajv> {
  if (!ajvInstance) {
    const { Ajv } = await import('ajv');
    // verbose: errors carry their schema, so an unknown key can be matched against the known ones.
    ajvInstance = new Ajv({ allErrors: true, strict: false, verbose: true });
  }
  return ajvInstance;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'enum') return `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
  /* c8 ignore next -- Ajv gives every error of these schemas a message */
  return e.message ?? e.keyword;
}

/** One Ajv error as a sentence: `cluster.nodes` must be >= 1; `rulez` is not a known setting. */
function sentence(e: ErrorObject, options = false): string {
  if (e.keyword === 'additionalProperties') {
    const key = String((e.params as { additionalProperty: unknown }).additionalProperty);
    const path = `${e.instancePath}/${escapePointer(key)}`;
    const known = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}).filter((k) => k !== '$schema');
    return `\`${dotted(path, options)}\` is not a known ${options ? 'option' : 'setting'}${didYouMean(key, known, (k) => `\`${k}\``)}`;
  }
  return `\`${dotted(e.instancePath, options)}\` ${describe(e)}`;
}

function dotted(pointer: string, options: boolean): string {
  const path = dottedPath(pointer);
  if (path === '(top level)') return options ? 'options' : 'the configuration';
  return path;
}

const escapePointer = (key: string): string => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Where a JSON pointer into the config file is, for JSON and YAML files. */
type Locate = (pointer: string) => { line: number; column: number };

/**
 * The config file read by the stack loader's YAML reader is YAML 1.1, where a bare `off` is the boolean false:
 * `schema: off` must still mean the severity.
 */
function offFromYaml11(value: unknown): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const config = { ...(value as Record<string, unknown>) };
  const off = (v: unknown): unknown =>
    v === false ? 'off' : Array.isArray(v) && v[0] === false ? ['off', ...(v as unknown[]).slice(1)] : v;
  if ('unusedSuppressions' in config) config.unusedSuppressions = off(config.unusedSuppressions);
  const rules = config.rules;
  if (rules && typeof rules === 'object' && !Array.isArray(rules))
    config.rules = Object.fromEntries(Object.entries(rules).map(([id, v]) => [id, off(v)]));
  return config;
}

async function readConfigFile(path: string): Promise<{ user: UserConfig; locate?: Locate }> {
  if (/\.m?js$/.test(path)) {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    } catch (error) {
      throw new ConfigError(`the config module failed to load: ${firstLine(error)}`, path);
    }
    if (!mod.default || typeof mod.default !== 'object')
      throw new ConfigError('the config module must export its configuration as default', path);
    await validateShape(mod.default, path);
    return { user: mod.default };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`cannot read the config file: ${(error as Error).message}`, path);
  }
  let parsed;
  try {
    parsed = parseYaml(text, path, 0, defaultLimits);
  } catch (error) {
    // The parser throws LoadErrors (with a position) for text that is not YAML.
    const e = error as Partial<LoadError> & Error;
    throw new ConfigError(e.message, path, e.line, e.column);
  }
  const root = parsed.root;
  if (!root) return { user: {} };
  const value = path.endsWith('.json') ? toJS(root) : offFromYaml11(toJS(root));
  const lines = new LineIndex(text);
  const locate: Locate = (pointer) => {
    const { node, key } = atPointer(root, pointer);
    const pos = lines.position((key ?? node).range[0]);
    return { line: pos.line, column: pos.column + 1 };
  };
  await validateShape(value, path, locate);
  return { user: value as UserConfig, locate };
}

let configValidator: import('ajv').ValidateFunction | undefined;

async function validateShape(value: unknown, path: string, locate?: Locate): Promise<void> {
  // Compiled once: the schema has an $id, and Ajv refuses a second schema under the same id.
  if (!configValidator) {
    const schema = JSON.parse(readFileSync(packageFile('schemas/config.schema.json'), 'utf8')) as object;
    configValidator = (await ajv()).compile(schema);
  }
  const validate = configValidator;
  if (validate(value)) return;
  // A `oneOf` fails with its branches' errors before it: the first of those says more than "must match".
  const [first] = validate.errors as [ErrorObject, ...ErrorObject[]];
  let pointer = first.instancePath;
  if (first.keyword === 'additionalProperties')
    pointer += `/${escapePointer(String((first.params as { additionalProperty: unknown }).additionalProperty))}`;
  const pos = locate?.(pointer);
  throw new ConfigError(sentence(first), path, pos?.line, pos?.column);
}

async function loadPlugin(prefix: string, spec: string | ESLint.Plugin, base: string): Promise<ESLint.Plugin> {
  if (typeof spec !== 'string') return checkPlugin(prefix, 'the plugin object', spec);
  let url: string;
  try {
    const isPath = spec.startsWith('.') || isAbsolute(spec);
    const file = isPath ? resolve(base, spec) : createRequire(resolve(base, 'noop.js')).resolve(spec);
    if (!existsSync(file)) throw new Error(`no file ${file}`);
    url = pathToFileURL(file).href;
  } catch (error) {
    throw new ConfigError(`plugin "${prefix}": cannot find ${spec} (${firstLine(error)})`);
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError(`plugin "${prefix}": ${spec} failed to load: ${firstLine(error)}`);
  }
  return checkPlugin(prefix, spec, mod.default ?? mod);
}

const firstLine = (error: unknown): string => (error instanceof Error ? error.message : String(error)).replace(/\n[\s\S]*$/, '');

function checkPlugin(prefix: string, what: string, value: unknown): ESLint.Plugin {
  const plugin = value as ESLint.Plugin | null;
  if (!plugin || typeof plugin !== 'object' || !plugin.rules || typeof plugin.rules !== 'object') {
    throw new ConfigError(`plugin "${prefix}": ${what} does not export a plugin with \`rules\``);
  }
  for (const [id, rule] of Object.entries(plugin.rules)) {
    if (typeof (rule as { create?: unknown } | null)?.create !== 'function')
      throw new ConfigError(`plugin "${prefix}": rule ${id} has no create() function`);
  }
  return plugin;
}

/** Rule ids close to an unknown one (a typo, a missing or extra prefix). */
function closest(id: string, known: readonly string[]): string[] {
  return suggest(id.startsWith(`${TOOL_NAME}/`) ? id.slice(TOOL_NAME.length + 1) : id, known);
}

/**
 * ESLint's spellings of a severity, as users bring them from ESLint configs: `warn` is `warning`, and 0, 1, 2 are
 * off, warning, error. Anything else is returned as it is (and refused by the caller).
 */
export function normalizeSeverity(value: unknown): unknown {
  if (value === 'warn' || value === 1 || value === '1') return 'warning';
  if (value === 0 || value === '0') return 'off';
  if (value === 2 || value === '2') return 'error';
  return value;
}

/** The options a rule's `meta.schema` allows, as one schema for the options array (ESLint's reading of it). */
function optionsSchema(schema: unknown): object | undefined {
  if (schema === false) return undefined;
  if (schema === undefined || (Array.isArray(schema) && schema.length === 0)) return { type: 'array', maxItems: 0 };
  if (Array.isArray(schema)) return { type: 'array', items: schema, minItems: 0, maxItems: schema.length };
  return schema as object;
}

/** Checks a rule's options against its `meta.schema`, as ESLint would, with a message that names the rule. */
async function checkOptions(
  id: string,
  rule: SwarmlintRule,
  ruleOptions: unknown[],
  inFile: (message: string, pointer: string) => ConfigError,
  pointer: string,
): Promise<void> {
  const schema = optionsSchema(rule.meta.schema);
  if (!schema) return;
  let validate: import('ajv').ValidateFunction;
  try {
    validate = (await ajv()).compile(schema);
  } catch (error) {
    throw inFile(`rule ${id}: its meta.schema is not a valid JSON schema (${firstLine(error)})`, pointer);
  }
  if (validate(ruleOptions)) return;
  const e = validate.errors?.[0];
  /* c8 ignore next -- a schema that fails reports at least one error */
  if (!e) throw inFile(`rule ${id}: invalid options`, pointer);
  if (e.instancePath === '' && e.keyword === 'maxItems') {
    const max = (e.params as { limit: number }).limit;
    throw inFile(`rule ${id}: takes ${max === 0 ? 'no options' : `at most ${String(max)} option${max === 1 ? '' : 's'}`}`, pointer);
  }
  // The options are items 1… of the setting `[severity, ...options]`.
  const index = /^\/(\d+)/.exec(e.instancePath);
  let at = index ? `${pointer}/${String(Number(index[1]) + 1)}${e.instancePath.slice(index[0].length)}` : pointer;
  if (e.keyword === 'additionalProperties')
    at += `/${escapePointer(String((e.params as { additionalProperty: unknown }).additionalProperty))}`;
  throw inFile(`rule ${id}: invalid options: ${sentence({ ...e, instancePath: e.instancePath.replace(/^\/0/, '') }, true)}`, at);
}

function parseSetting(value: unknown): [Setting, unknown[]] {
  if (Array.isArray(value)) return [normalizeSeverity(value[0]) as Setting, value.slice(1)];
  return [normalizeSeverity(value) as Setting, []];
}

/**
 * Reads and checks the configuration: the config file (validated against schemas/config.schema.json, with
 * positions for JSON and YAML), plugins, `--rule` overrides, every rule id known and every rule's options valid
 * against its `meta.schema`. Problems throw ConfigError.
 */
export async function loadConfig(options: ConfigOptions): Promise<ResolvedConfig> {
  const builtins = options.builtins ?? builtinRules;
  const path = options.configPath ? resolve(options.cwd, options.configPath) : findConfig(options.cwd);
  if (options.configPath && !existsSync(path as string)) throw new ConfigError('the config file does not exist', path);
  const { user, locate } = path ? await readConfigFile(path) : { user: {} as UserConfig, locate: undefined };
  const base = path ? dirname(path) : options.cwd;
  /** A ConfigError in the config file, at the setting the JSON pointer names (JSON and YAML files). */
  const inFile = (message: string, pointer: string): ConfigError => {
    const pos = locate?.(pointer);
    return new ConfigError(message, path, pos?.line, pos?.column);
  };

  const plugins: Record<string, ESLint.Plugin> = {};
  for (const [prefix, spec] of Object.entries(user.plugins ?? {})) {
    try {
      plugins[prefix] = await loadPlugin(prefix, spec, base);
    } catch (error) {
      // loadPlugin throws ConfigErrors only; this one gets the plugin's place in the config file.
      throw inFile((error as ConfigError).message, `/plugins/${escapePointer(prefix)}`);
    }
  }

  const rules: Record<string, RuleSetting> = {};
  const baseSet = user.extends ?? 'recommended';
  for (const [id, rule] of Object.entries(builtins)) {
    const docs = rule.meta.docs;
    const on = baseSet === 'all' || (baseSet === 'recommended' && docs?.recommended === true);
    rules[id] = { severity: on && docs ? docs.severity : 'off', options: [] };
  }
  const known = [
    ...Object.keys(builtins),
    ...Object.entries(plugins).flatMap(([prefix, p]) => Object.keys(p.rules as object).map((r) => `${prefix}/${r}`)),
  ];
  const fail = (message: string, pointer: string | undefined): ConfigError =>
    pointer === undefined ? new ConfigError(message) : inFile(message, pointer);
  const apply = (id: string, setting: Setting, ruleOptions: unknown[] | undefined, where: string, pointer?: string): void => {
    const rule = ruleFor(id, builtins, plugins);
    if (!rule) {
      const near = closest(id, known);
      const hint =
        near.length > 0
          ? ` (did you mean ${near.map((n) => `"${n}"`).join(' or ')}?)`
          : id.includes('/') && !id.startsWith(`${TOOL_NAME}/`)
            ? ' (is its plugin listed under `plugins`?)'
            : '';
      throw fail(`${where}: unknown rule "${id}"${hint}`, pointer);
    }
    if (![...SEVERITIES, 'off'].includes(setting))
      throw fail(`${where}: rule ${id}: "${setting}" is not a severity (off, ${SEVERITIES.join(', ')})`, pointer);
    rules[id] = { severity: setting, options: ruleOptions ?? rules[id]?.options ?? [] };
  };
  for (const [id, value] of Object.entries(user.rules ?? {})) {
    const [setting, ruleOptions] = parseSetting(value);
    const pointer = `/rules/${escapePointer(id)}`;
    apply(id, setting, ruleOptions, 'config', pointer);
    if (setting !== 'off' && ruleOptions.length > 0)
      await checkOptions(id, ruleFor(id, builtins, plugins) as SwarmlintRule, ruleOptions, inFile, pointer);
  }
  for (const override of options.ruleOverrides ?? []) {
    const at = override.lastIndexOf(':');
    if (at <= 0) throw new ConfigError(`--rule ${override}: write it as id:severity (e.g. overlay-mtu:error)`);
    apply(override.slice(0, at), normalizeSeverity(override.slice(at + 1)) as Setting, undefined, `--rule ${override}`);
  }

  const unused = (normalizeSeverity(user.unusedSuppressions) as Setting | undefined) ?? 'warning';
  return {
    ...(path ? { path } : {}),
    rules,
    plugins,
    cluster: user.cluster ?? {},
    failureThreshold: user.failureThreshold ?? 'error',
    // -1 is "no limit", as on the command line.
    ...(user.maxWarnings !== undefined && user.maxWarnings >= 0 ? { maxWarnings: user.maxWarnings } : {}),
    unusedSuppressions: unused,
    ignores: user.ignores ?? [],
    ...(user.stackName ? { stackName: user.stackName } : {}),
    docker: user.docker ?? {},
    sameSwarm: user.sameSwarm === true,
    stacks: declaredStacks(user.stacks ?? [], base, inFile),
  };
}

/** The config's `stacks:`, files resolved against the config's folder; a name given twice is an error. */
function declaredStacks(
  list: readonly { name: string; files: string[] }[],
  base: string,
  inFile: (message: string, pointer: string) => ConfigError,
): DeclaredStack[] {
  const seen = new Set<string>();
  return list.map((s, i) => {
    if (seen.has(s.name)) throw inFile(`\`stacks\`: the stack name "${s.name}" is given twice`, `/stacks/${String(i)}/name`);
    seen.add(s.name);
    return { name: s.name, files: s.files.map((f) => resolve(base, f)) };
  });
}

export { UNUSED_SUPPRESSION };

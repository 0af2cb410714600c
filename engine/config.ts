import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ErrorObject } from 'ajv';
import type { ESLint } from 'eslint';
import { rules as builtinRules, type SwarmlintRule } from '../rules/index.js';
import type { ClusterProfile } from '../rules/utils/settings.js';
import { ruleFor, UNUSED_SUPPRESSION, type RuleSetting } from './lint.js';
import { LoadError } from './loader/errors.js';
import { defaultLimits } from './loader/limits.js';
import { dottedPath } from './loader/schema.js';
import { atPointer, parseYaml, toJS } from './loader/yaml.js';
import { LineIndex } from './loader/text.js';
import { SEVERITIES, TOOL_NAME, type Severity } from './meta.js';

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
  rules?: Record<string, Setting | [Setting, ...unknown[]]>;
  plugins?: Record<string, string | ESLint.Plugin>;
  cluster?: ClusterProfile;
  failureThreshold?: Severity | 'none';
  maxWarnings?: number;
  unusedSuppressions?: Setting;
  ignores?: string[];
  stackName?: string;
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
    ajvInstance = new Ajv({ allErrors: true, strict: false });
  }
  return ajvInstance;
}

function describe(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties') return `\`${String(p.additionalProperty)}\` is not a known setting here`;
  if (e.keyword === 'enum') return `must be one of: ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
  return e.message ?? e.keyword;
}

async function readConfigFile(path: string): Promise<UserConfig> {
  if (/\.m?js$/.test(path)) {
    const mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
    if (!mod.default || typeof mod.default !== 'object')
      throw new ConfigError('the config module must export its configuration as default', path);
    await validateShape(mod.default, path);
    return mod.default;
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
    if (error instanceof LoadError) throw new ConfigError(error.message, path, error.line, error.column);
    throw error;
  }
  if (!parsed.root) return {};
  const value = toJS(parsed.root);
  const lines = new LineIndex(text);
  await validateShape(value, path, (pointer) => {
    const { node, key } = atPointer(parsed.root ?? { kind: 'scalar', value: null, range: [0, 0], quoted: false }, pointer);
    const pos = lines.position((key ?? node).range[0]);
    return { line: pos.line, column: pos.column + 1 };
  });
  return value as UserConfig;
}

async function validateShape(
  value: unknown,
  path: string,
  position?: (pointer: string) => { line: number; column: number },
): Promise<void> {
  const schema = JSON.parse(readFileSync(new URL('../schemas/config.schema.json', import.meta.url), 'utf8')) as object;
  const validate = (await ajv()).compile(schema);
  if (validate(value)) return;
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'oneOf');
  const first = errors[0] ?? validate.errors?.[0];
  if (!first) throw new ConfigError('invalid configuration', path);
  let pointer = first.instancePath;
  if (first.keyword === 'additionalProperties') pointer += `/${(first.params as { additionalProperty: string }).additionalProperty}`;
  const pos = position?.(pointer);
  throw new ConfigError(`\`${dottedPath(first.instancePath)}\` ${describe(first)}`, path, pos?.line, pos?.column);
}

async function loadPlugin(prefix: string, spec: string | ESLint.Plugin, base: string): Promise<ESLint.Plugin> {
  if (typeof spec !== 'string') return spec;
  let url: string;
  try {
    url =
      spec.startsWith('.') || isAbsolute(spec)
        ? pathToFileURL(resolve(base, spec)).href
        : pathToFileURL(createRequire(resolve(base, 'noop.js')).resolve(spec)).href;
  } catch (error) {
    throw new ConfigError(`plugin "${prefix}": cannot find ${spec} (${(error as Error).message.split('\n')[0] ?? ''})`);
  }
  let mod: { default?: unknown };
  try {
    mod = (await import(url)) as { default?: unknown };
  } catch (error) {
    throw new ConfigError(`plugin "${prefix}": ${spec} failed to load: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const plugin = (mod.default ?? mod) as ESLint.Plugin;
  if (typeof plugin !== 'object' || typeof plugin.rules !== 'object') {
    throw new ConfigError(`plugin "${prefix}": ${spec} does not export a plugin with \`rules\``);
  }
  for (const [id, rule] of Object.entries(plugin.rules)) {
    if (typeof (rule as { create?: unknown }).create !== 'function')
      throw new ConfigError(`plugin "${prefix}": rule ${id} has no create() function`);
  }
  return plugin;
}

function parseSetting(value: unknown): [Setting, unknown[]] {
  if (Array.isArray(value)) return [value[0] as Setting, value.slice(1)];
  return [value as Setting, []];
}

/**
 * Reads and checks the configuration: the config file (validated against schemas/config.schema.json, with
 * positions for JSON and YAML), plugins, `--rule` overrides, every rule id known and every rule's options valid
 * against its `meta.schema`. Problems throw ConfigError.
 */
export async function loadConfig(options: ConfigOptions): Promise<ResolvedConfig> {
  const builtins = options.builtins ?? builtinRules;
  const path = options.configPath ? resolve(options.cwd, options.configPath) : findConfig(options.cwd);
  if (options.configPath && path && !existsSync(path)) throw new ConfigError('the config file does not exist', path);
  const user: UserConfig = path ? await readConfigFile(path) : {};
  const base = path ? dirname(path) : options.cwd;

  const plugins: Record<string, ESLint.Plugin> = {};
  for (const [prefix, spec] of Object.entries(user.plugins ?? {})) {
    try {
      plugins[prefix] = await loadPlugin(prefix, spec, base);
    } catch (error) {
      if (error instanceof ConfigError && path && !error.file) throw new ConfigError(error.message, path);
      throw error;
    }
  }

  const rules: Record<string, RuleSetting> = {};
  const baseSet = user.extends ?? 'recommended';
  for (const [id, rule] of Object.entries(builtins)) {
    const docs = rule.meta.docs;
    const on = baseSet === 'all' || (baseSet === 'recommended' && docs?.recommended === true);
    rules[id] = { severity: on && docs ? docs.severity : 'off', options: [] };
  }
  const apply = (id: string, setting: Setting, ruleOptions: unknown[] | undefined, where: string): void => {
    const rule = ruleFor(id, builtins, plugins);
    if (!rule) {
      const hint = id.startsWith(`${TOOL_NAME}/`)
        ? ` (write it without the "${TOOL_NAME}/" prefix)`
        : id.includes('/')
          ? ' (is its plugin listed under `plugins`?)'
          : '';
      throw new ConfigError(`${where}: unknown rule "${id}"${hint}`, path);
    }
    if (![...SEVERITIES, 'off'].includes(setting))
      throw new ConfigError(`${where}: rule ${id}: "${setting}" is not a severity (off, ${SEVERITIES.join(', ')})`, path);
    rules[id] = { severity: setting, options: ruleOptions ?? rules[id]?.options ?? [] };
  };
  for (const [id, value] of Object.entries(user.rules ?? {})) {
    const [setting, ruleOptions] = parseSetting(value);
    apply(id, setting, ruleOptions, 'config');
  }
  for (const override of options.ruleOverrides ?? []) {
    const at = override.lastIndexOf(':');
    if (at <= 0) throw new ConfigError(`--rule ${override}: write it as id:severity (e.g. overlay-mtu:error)`);
    apply(override.slice(0, at), override.slice(at + 1) as Setting, undefined, `--rule ${override}`);
  }
  for (const [id, setting] of Object.entries(rules)) {
    if (setting.severity === 'off' || setting.options.length === 0) continue;
    const rule = ruleFor(id, builtins, plugins);
    /* c8 ignore next -- every id in `rules` was checked above */
    if (!rule) continue;
    const schema = Array.isArray(rule.meta.schema)
      ? { type: 'array', items: rule.meta.schema, minItems: 0, maxItems: rule.meta.schema.length }
      : rule.meta.schema;
    const validate = (await ajv()).compile(schema as object);
    if (!validate(setting.options)) {
      const e = validate.errors?.[0];
      const where = e ? dottedPath(e.instancePath.replace(/^\/0/, '')).replace('(top level)', 'options') : 'options';
      throw new ConfigError(`rule ${id}: invalid options: \`${where}\` ${e ? describe(e) : 'is invalid'}`, path);
    }
  }

  const unused = user.unusedSuppressions ?? 'warning';
  return {
    ...(path ? { path } : {}),
    rules,
    plugins,
    cluster: user.cluster ?? {},
    failureThreshold: user.failureThreshold ?? 'error',
    ...(user.maxWarnings !== undefined ? { maxWarnings: user.maxWarnings } : {}),
    unusedSuppressions: unused,
    ignores: user.ignores ?? [],
    ...(user.stackName ? { stackName: user.stackName } : {}),
  };
}

export { UNUSED_SUPPRESSION };

import t, { type Test } from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { profileFromFacts } from '../../engine/cluster-profile.js';
import { ConfigError, findConfig, loadConfig, type ConfigOptions } from '../../engine/config.js';
import { loadFacts } from '../../language/loader/facts.js';
import { rules as builtinRules, type SwarmlintRule } from '../../rules/index.js';
import { errorsOf, validateConfig } from '../helpers/schemas.js';

const EXAMPLE = fileURLToPath(new URL('../../fixtures/plugins/example/index.ts', import.meta.url));
const ids = Object.keys(builtinRules);
const recommended = ids.filter((id) => builtinRules[id]?.meta.docs?.recommended);
const notRecommended = ids.filter((id) => !builtinRules[id]?.meta.docs?.recommended);

/** The ConfigError loadConfig throws (fails the test when it resolves). */
async function configError(t: Test, options: ConfigOptions): Promise<ConfigError> {
  try {
    await loadConfig(options);
  } catch (error) {
    t.type(error, ConfigError, 'a ConfigError');
    return error as ConfigError;
  }
  t.fail('loadConfig should have thrown');
  return new ConfigError('did not throw');
}

t.test('discovery: the working folder, then the folders above; none gives the defaults', async (t) => {
  const dir = t.testdir({
    'swarmlint.config.yml': 'extends: none\n',
    a: { b: { 'stack.yml': '' } },
    near: { 'swarmlint.config.json': '{ "extends": "all" }', 'swarmlint.config.yml': 'extends: none\n', deeper: {} },
  });
  t.equal(findConfig(join(dir, 'a/b')), join(dir, 'swarmlint.config.yml'), 'found two folders up');
  t.equal(findConfig(join(dir, 'near/deeper')), join(dir, 'near/swarmlint.config.json'), 'the nearest wins; json first in a folder');
  const fromChild = await loadConfig({ cwd: join(dir, 'a/b') });
  t.equal(fromChild.path, join(dir, 'swarmlint.config.yml'));
  t.ok(
    Object.values(fromChild.rules).every((r) => r.severity === 'off'),
    'its settings apply (extends: none)',
  );
  // A folder with no config file above it: under the system's temporary folder, not this repository.
  const outside = mkdtempSync(join(tmpdir(), 'swarmlint-config-'));
  t.teardown(() => {
    rmSync(outside, { recursive: true, force: true });
  });
  t.equal(findConfig(outside), undefined, 'no config file found');
  const defaults = await loadConfig({ cwd: outside });
  t.notOk('path' in defaults, 'no config file');
  t.same(
    Object.keys(defaults.rules).filter((id) => defaults.rules[id]?.severity !== 'off'),
    recommended,
    'the recommended rules',
  );
  t.same(
    { ...defaults, rules: undefined },
    {
      rules: undefined,
      plugins: {},
      cluster: {},
      failureThreshold: 'error',
      unusedSuppressions: 'warning',
      ignores: [],
      sameSwarm: false,
      docker: {},
      stacks: [],
    },
  );
});

t.test('json, yaml, yml, js and mjs read alike', async (t) => {
  const settings = { extends: 'none', rules: { 'swarm-ignored-key': 'error' }, failureThreshold: 'warning', maxWarnings: 3 };
  const dir = t.testdir({
    json: { 'swarmlint.config.json': JSON.stringify(settings, null, 2) },
    yaml: { 'swarmlint.config.yaml': 'extends: none\nrules:\n  swarm-ignored-key: error\nfailureThreshold: warning\nmaxWarnings: 3\n' },
    yml: { 'swarmlint.config.yml': '{extends: none, rules: {swarm-ignored-key: error}, failureThreshold: warning, maxWarnings: 3}\n' },
    js: { 'package.json': '{ "type": "module" }', 'swarmlint.config.js': `export default ${JSON.stringify(settings)};\n` },
    mjs: { 'swarmlint.config.mjs': `export default ${JSON.stringify(settings)};\n` },
  });
  for (const kind of ['json', 'yaml', 'yml', 'js', 'mjs']) {
    const c = await loadConfig({ cwd: join(dir, kind) });
    t.equal(c.path, join(dir, kind, `swarmlint.config.${kind}`), `${kind}: found`);
    t.same(
      Object.entries(c.rules).filter(([, r]) => r.severity !== 'off'),
      [['swarm-ignored-key', { severity: 'error', options: [] }]],
      `${kind}: rules`,
    );
    t.equal(c.failureThreshold, 'warning', `${kind}: failureThreshold`);
    t.equal(c.maxWarnings, 3, `${kind}: maxWarnings`);
  }
});

t.test('extends: all, none, recommended; --rule overrides come last', async (t) => {
  const dir = t.testdir({
    all: { 'swarmlint.config.yml': 'extends: all\n' },
    none: { 'swarmlint.config.yml': 'extends: none\n' },
    rec: { 'swarmlint.config.yml': 'extends: recommended\nrules:\n  schema: warning\n' },
  });
  const all = await loadConfig({ cwd: join(dir, 'all') });
  for (const id of ids) t.equal(all.rules[id]?.severity, builtinRules[id]?.meta.docs?.severity, `all: ${id} at its default severity`);
  const none = await loadConfig({ cwd: join(dir, 'none') });
  t.ok(
    ids.every((id) => none.rules[id]?.severity === 'off'),
    'none: every rule off',
  );
  const rec = await loadConfig({ cwd: join(dir, 'rec') });
  t.ok(notRecommended.length > 0 && notRecommended.every((id) => rec.rules[id]?.severity === 'off'), 'recommended: the others off');
  t.equal(rec.rules.schema?.severity, 'warning', 'the config changes a severity');
  const over = await loadConfig({ cwd: join(dir, 'rec'), ruleOverrides: ['schema:off', 'dnsrr-ingress-port:info'] });
  t.equal(over.rules.schema?.severity, 'off', '--rule beats the config');
  t.equal(over.rules['dnsrr-ingress-port']?.severity, 'info');
  const notRec = notRecommended[0] ?? 'none';
  const on = await loadConfig({ cwd: join(dir, 'none'), ruleOverrides: [`${notRec}:suggestion`] });
  t.equal(on.rules[notRec]?.severity, 'suggestion', '--rule turns a rule on');
});

t.test('unknown rules stop the run, naming the rule, with a hint and the position', async (t) => {
  const dir = t.testdir({
    typo: { 'swarmlint.config.yml': 'extends: none\nrules:\n  schema: error\n  dnsrr-ingres-port: error\n' },
    prefixed: { 'swarmlint.config.json': '{\n  "rules": {\n    "swarmlint/schema": "error"\n  }\n}\n' },
    plugin: { 'swarmlint.config.yml': 'rules:\n  acme/thing: warning\n' },
    nothing: { 'swarmlint.config.yml': 'rules:\n  zzzzzzzzzzzz: warning\n' },
  });
  let e = await configError(t, { cwd: join(dir, 'typo') });
  t.equal(e.message, 'config: unknown rule "dnsrr-ingres-port" (did you mean "dnsrr-ingress-port"?)');
  t.same([e.file, e.line, e.column], [join(dir, 'typo/swarmlint.config.yml'), 4, 3], 'file, line and column of the rule id');
  e = await configError(t, { cwd: join(dir, 'prefixed') });
  t.equal(e.message, 'config: unknown rule "swarmlint/schema" (did you mean "schema"?)', 'ids are written without swarmlint/');
  t.same([e.line, e.column], [3, 5], 'positions in JSON too');
  e = await configError(t, { cwd: join(dir, 'plugin') });
  t.equal(e.message, 'config: unknown rule "acme/thing" (is its plugin listed under `plugins`?)');
  e = await configError(t, { cwd: join(dir, 'nothing') });
  t.equal(e.message, 'config: unknown rule "zzzzzzzzzzzz"', 'no hint when nothing is close');
  e = await configError(t, { cwd: join(dir, 'nothing'), configPath: '/dev/null', ruleOverrides: ['overlay-mut:error'] });
  t.match(e.message, /^--rule overlay-mut:error: unknown rule "overlay-mut" \(did you mean "overlay-mtu"\?\)$/);
  t.equal(e.line, undefined, 'no position for the command line');
  e = await configError(t, { cwd: dir, configPath: '/dev/null', ruleOverrides: ['schema'] });
  t.equal(e.message, '--rule schema: write it as id:severity (e.g. overlay-mtu:error)');
  e = await configError(t, { cwd: dir, configPath: '/dev/null', ruleOverrides: ['schema:fatal'] });
  t.equal(e.message, '--rule schema:fatal: rule schema: "fatal" is not a severity (off, error, warning, info, suggestion)');
});

t.test("rule options are checked against the rule's meta.schema", async (t) => {
  const rule = (schema: unknown): SwarmlintRule =>
    ({ ...(builtinRules.schema as SwarmlintRule), meta: { ...(builtinRules.schema as SwarmlintRule).meta, schema } }) as SwarmlintRule;
  const builtins = {
    none: rule([]),
    missing: rule(undefined),
    free: rule(false),
    one: rule([{ type: 'object', properties: { limit: { type: 'integer', minimum: 1 } }, additionalProperties: false }]),
    whole: rule({ type: 'array', items: [{ enum: ['a', 'b'] }] }),
    pair: rule([{ type: 'string' }, { type: 'integer' }]),
    least: rule({ type: 'array', minItems: 2 }),
    broken: rule([{ type: 'nonsense' }]),
  };
  const dir = t.testdir({
    'none.yml': 'rules:\n  none: [error, {x: 1}]\n',
    'missing.yml': 'rules:\n  missing: [error, 1]\n',
    'free.yml': 'rules:\n  free: [error, anything, 2]\n',
    'two.yml': 'rules:\n  one: [error, {limit: 2}, {}]\n',
    'type.yml': 'rules:\n  one:\n    - warning\n    - limit: 0\n',
    'extra.json': '{\n  "rules": {\n    "one": ["warning", { "limt": 3 }]\n  }\n}\n',
    'whole.yml': 'rules:\n  whole: [error, c]\n',
    'three.yml': 'rules:\n  pair: [error, a, 1, 2]\n',
    'least.yml': 'rules:\n  least: [error, 1]\n',
    'broken.yml': 'rules:\n  broken: [error, 1]\n',
    'good.yml': 'rules:\n  one: [info, {limit: 5}]\n  whole: [error, a]\n',
    'off.yml': 'rules:\n  none: [off, {x: 1}]\n',
    'example.yml': `plugins:\n  example: ${EXAMPLE}\nrules:\n  example/explicit-image-tag: [warning, {allow: nginx}]\n`,
  });
  const check = async (file: string, message: string | RegExp, line?: number, column?: number): Promise<void> => {
    const e = await configError(t, { cwd: dir, configPath: file, builtins });
    if (typeof message === 'string') t.equal(e.message, message, `${file}: ${message}`);
    else t.match(e.message, message, `${file}: ${e.message}`);
    if (line !== undefined) t.same([e.line, e.column], [line, column], `${file}: at ${String(line)}:${String(column)}`);
  };
  await check('none.yml', 'rule none: takes no options', 2, 3);
  await check('missing.yml', 'rule missing: takes no options', 2, 3);
  await check('two.yml', 'rule one: takes at most 1 option', 2, 3);
  await check('three.yml', 'rule pair: takes at most 2 options', 2, 3);
  await check('broken.yml', /^rule broken: its meta\.schema is not a valid JSON schema \(schema is invalid: /, 2, 3);
  await check('least.yml', 'rule least: invalid options: `options` must NOT have fewer than 2 items', 2, 3);
  await check('type.yml', 'rule one: invalid options: `limit` must be >= 1', 4, 7);
  await check('extra.json', 'rule one: invalid options: `limt` is not a known option (did you mean `limit`?)', 3, 26);
  await check('whole.yml', 'rule whole: invalid options: `options` must be one of: a, b', 2, 18);
  await check('example.yml', 'rule example/explicit-image-tag: invalid options: `allow` must be array', 4, 42);
  const free = await loadConfig({ cwd: dir, configPath: 'free.yml', builtins });
  t.same(free.rules.free, { severity: 'error', options: ['anything', 2] }, 'schema: false takes anything');
  const good = await loadConfig({ cwd: dir, configPath: 'good.yml', builtins });
  t.same(good.rules.one, { severity: 'info', options: [{ limit: 5 }] }, 'valid options are kept');
  t.same(good.rules.whole, { severity: 'error', options: ['a'] });
  const off = await loadConfig({ cwd: dir, configPath: 'off.yml', builtins });
  t.same(off.rules.none?.severity, 'off', 'the options of a rule turned off are not checked');
  const kept = await loadConfig({ cwd: dir, configPath: 'good.yml', builtins, ruleOverrides: ['one:error'] });
  t.same(kept.rules.one, { severity: 'error', options: [{ limit: 5 }] }, '--rule keeps the options from the config');
});

t.test('invalid settings: file:line:column and what is wrong', async (t) => {
  const dir = t.testdir({
    'top.yml': 'extends: all\nrulez:\n  schema: error\n',
    'nested.json': '{\n  "cluster": {\n    "nodes": 3,\n    "nodez": 4\n  }\n}\n',
    'min.json': '{\n  "rules": {},\n  "cluster": { "nodes": 0 }\n}\n',
    'sev.yml': 'rules:\n  schema: fatal\n',
    'extends.yml': 'extends: most\n',
    'scalar.yml': 'just words\n',
    'notyaml.yml': 'rules:\n  schema: [error\n',
    'empty.yml': '# nothing yet\n',
    'badjson.json': '{ "rules": {\n  "schema": "error",,\n}}\n',
    'false.json': '{ "unusedSuppressions": false }\n',
  });
  const check = async (file: string, message: string, line?: number, column?: number): Promise<void> => {
    const e = await configError(t, { cwd: dir, configPath: file });
    t.equal(e.message, message, `${file}: message`);
    t.equal(e.file, join(dir, file), `${file}: names the file`);
    if (line !== undefined) t.same([e.line, e.column], [line, column], `${file}: at ${String(line)}:${String(column)}`);
  };
  await check('top.yml', '`rulez` is not a known setting (did you mean `rules`?)', 2, 1);
  await check('nested.json', '`cluster.nodez` is not a known setting (did you mean `nodes`?)', 4, 5);
  await check('min.json', '`cluster.nodes` must be >= 1', 3, 16);
  await check('sev.yml', '`rules.schema` must be one of: off, error, warning, info, suggestion, warn, 0, 1, 2', 2, 3);
  await check('extends.yml', '`extends` must be one of: recommended, all, none', 1, 1);
  await check('scalar.yml', '`the configuration` must be object', 1, 1);
  await check('false.json', '`unusedSuppressions` must be one of: off, error, warning, info, suggestion, warn, 0, 1, 2', 1, 3);
  const notYaml = await configError(t, { cwd: dir, configPath: 'notyaml.yml' });
  t.equal(notYaml.file, join(dir, 'notyaml.yml'), 'a config that is not YAML names the file');
  t.ok(notYaml.line !== undefined && notYaml.line >= 2, 'and the line');
  const badJson = await configError(t, { cwd: dir, configPath: 'badjson.json' });
  t.equal(badJson.line, 2, 'a JSON syntax error: its line');
  const empty = await loadConfig({ cwd: dir, configPath: 'empty.yml' });
  t.equal(empty.path, join(dir, 'empty.yml'), 'an empty config file is no settings');
  t.same(empty.unusedSuppressions, 'warning');
  const gone = await configError(t, { cwd: dir, configPath: 'gone.yml' });
  t.same([gone.message, gone.file], ['the config file does not exist', join(dir, 'gone.yml')]);
});

t.test("YAML 1.1's off is the severity off", async (t) => {
  const dir = t.testdir({
    'swarmlint.config.yml': 'unusedSuppressions: off\nrules:\n  schema: off\n  dnsrr-ingress-port: [off]\n  swarm-ignored-key: [info]\n',
  });
  const c = await loadConfig({ cwd: dir });
  t.equal(c.unusedSuppressions, 'off');
  t.equal(c.rules.schema?.severity, 'off', 'schema: off');
  t.equal(c.rules['dnsrr-ingress-port']?.severity, 'off', '[off]');
  t.equal(c.rules['swarm-ignored-key']?.severity, 'info');
});

t.test("ESLint's severities: warn, 0, 1, 2 (config and --rule); maxWarnings -1 is no limit", async (t) => {
  const dir = t.testdir({
    'swarmlint.config.json': JSON.stringify({
      unusedSuppressions: 0,
      maxWarnings: -1,
      rules: { schema: 'warn', 'dnsrr-ingress-port': [1], 'swarm-ignored-key': 2, interpolation: 0 },
    }),
  });
  const c = await loadConfig({ cwd: dir, ruleOverrides: ['overlay-mtu:warn', 'unused-network:2', 'subnet-overlap:0'] });
  t.equal(c.unusedSuppressions, 'off', '0 is off');
  t.equal(c.rules.schema?.severity, 'warning', 'warn is warning');
  t.equal(c.rules['dnsrr-ingress-port']?.severity, 'warning', '[1] is warning');
  t.equal(c.rules['swarm-ignored-key']?.severity, 'error', '2 is error');
  t.equal(c.rules.interpolation?.severity, 'off', '0 is off');
  t.equal(c.rules['overlay-mtu']?.severity, 'warning', '--rule id:warn');
  t.equal(c.rules['unused-network']?.severity, 'error', '--rule id:2');
  t.equal(c.rules['subnet-overlap']?.severity, 'off', '--rule id:0');
  t.equal(c.maxWarnings, undefined, 'maxWarnings -1: no limit');
  const e = await configError(t, { cwd: dir, ruleOverrides: ['overlay-mtu:3'] });
  t.match(e.message, /^--rule overlay-mtu:3: rule overlay-mtu: "3" is not a severity/);
});

t.test('cluster, ignores, stackName, sameSwarm, unusedSuppressions pass through', async (t) => {
  const dir = t.testdir({
    'swarmlint.config.yaml': [
      'cluster:',
      '  nodes: 5',
      '  windowsNodes: 1',
      '  underlayMtu: 1450',
      '  siteCidrs: [{cidr: 10.10.0.0/16, name: office LAN}]',
      'ignores: ["legacy/**"]',
      'stackName: shop',
      'sameSwarm: true',
      'unusedSuppressions: info',
      '',
    ].join('\n'),
  });
  const c = await loadConfig({ cwd: dir });
  t.same(c.cluster, { nodes: 5, windowsNodes: 1, underlayMtu: 1450, siteCidrs: [{ cidr: '10.10.0.0/16', name: 'office LAN' }] });
  t.same(c.ignores, ['legacy/**']);
  t.equal(c.stackName, 'shop');
  t.equal(c.sameSwarm, true);
  t.equal(c.unusedSuppressions, 'info');
});

t.test('plugins: by path, by package name, as an object; their rules are plugin/rule', async (t) => {
  const plugin = (name: string): string =>
    `export default { rules: { ${name}: { meta: { type: 'problem', schema: [], docs: { description: '${name}' } }, create() { return {}; } } } };\n`;
  const dir = t.testdir({
    'local.mjs': plugin('mine'),
    node_modules: {
      'swarmlint-plugin-acme': {
        'package.json': '{ "name": "swarmlint-plugin-acme", "main": "index.js", "type": "module" }',
        'index.js': plugin('rocket'),
      },
    },
    sub: {
      'swarmlint.config.yml': `plugins:\n  local: ../local.mjs\n  acme: swarmlint-plugin-acme\n  example: ${EXAMPLE}\nrules:\n  local/mine: error\n  acme/rocket: info\n`,
    },
    obj: {
      'swarmlint.config.mjs': `export default { plugins: { inline: { rules: { r: { meta: { schema: [] }, create() { return {}; } } } } }, rules: { 'inline/r': 'warning' } };\n`,
    },
  });
  const c = await loadConfig({ cwd: join(dir, 'sub') });
  t.same(
    Object.keys(c.plugins),
    ['local', 'acme', 'example'],
    'loaded by relative path, package name (from the config folder up) and absolute path',
  );
  t.same(c.rules['local/mine'], { severity: 'error', options: [] });
  t.same(c.rules['acme/rocket'], { severity: 'info', options: [] });
  t.notOk('example/explicit-image-tag' in c.rules, "a plugin's rules are off until the config names them");
  t.type(c.plugins.example?.rules?.['explicit-image-tag'], 'object');
  const o = await loadConfig({ cwd: join(dir, 'obj') });
  t.same(o.rules['inline/r'], { severity: 'warning', options: [] }, 'a plugin object in a JS config');
  const over = await loadConfig({ cwd: join(dir, 'sub'), ruleOverrides: ['example/explicit-image-tag:warning'] });
  t.same(over.rules['example/explicit-image-tag'], { severity: 'warning', options: [] }, '--rule turns a plugin rule on');
});

t.test('plugin errors name the plugin and point at it in the config', async (t) => {
  const dir = t.testdir({
    'throws.mjs': 'throw new Error("boom at load\\nsecond line");\n',
    'string.mjs': 'throw "a string";\n',
    'named.mjs': 'export const rules = { ok: { create() { return {}; } } };\n',
    'string.yml': 'plugins:\n  s: ./string.mjs\n',
    'named.yml': 'plugins:\n  named: ./named.mjs\nrules:\n  named/ok: warning\n',
    'norules.mjs': 'export default { meta: { name: "x" } };\n',
    'nocreate.mjs': 'export default { rules: { broken: { meta: {} } } };\n',
    'number.mjs': 'export default 3;\n',
    'missing.yml': 'extends: none\nplugins:\n  local: ./nope.mjs\n',
    'package.yml': 'plugins:\n  acme: swarmlint-plugin-nowhere\n',
    'throws.yml': 'plugins:\n  t: ./throws.mjs\n',
    'norules.yml': 'plugins:\n  n: ./norules.mjs\n',
    'nocreate.yml': 'plugins:\n  c: ./nocreate.mjs\n',
    'number.yml': 'plugins:\n  num: ./number.mjs\n',
    'object.mjs': 'export default { plugins: { o: { rules: { r: 1 } } } };\n',
    'name.yml': 'plugins:\n  swarmlint: ./norules.mjs\n',
  });
  const check = async (file: string, pattern: RegExp, line?: number): Promise<void> => {
    const e = await configError(t, { cwd: dir, configPath: file });
    t.match(e.message, pattern, `${file}: ${e.message}`);
    t.equal(e.file, join(dir, file), `${file}: the config file`);
    if (line !== undefined) t.same([e.line, e.column], [line, 3], `${file}: at the plugin`);
  };
  await check('missing.yml', /^plugin "local": cannot find \.\/nope\.mjs \(no file .*nope\.mjs\)$/, 3);
  await check('package.yml', /^plugin "acme": cannot find swarmlint-plugin-nowhere \(Cannot find module 'swarmlint-plugin-nowhere'/, 2);
  await check('throws.yml', /^plugin "t": \.\/throws\.mjs failed to load: boom at load$/, 2);
  await check('string.yml', /^plugin "s": \.\/string\.mjs failed to load: a string$/, 2);
  await check('norules.yml', /^plugin "n": \.\/norules\.mjs does not export a plugin with `rules`$/, 2);
  await check('nocreate.yml', /^plugin "c": rule broken has no create\(\) function$/, 2);
  await check('number.yml', /^plugin "num": \.\/number\.mjs does not export a plugin with `rules`$/, 2);
  await check('object.mjs', /^plugin "o": rule r has no create\(\) function$/);
  await check('name.yml', /^`plugins` property name must not be valid|^`plugins/);
  const named = await loadConfig({ cwd: dir, configPath: 'named.yml' });
  t.same(
    named.rules['named/ok'],
    { severity: 'warning', options: [] },
    'a module without a default export: its named exports are the plugin',
  );
});

t.test('JS configs: a default export is required; a file that cannot be read says so', async (t) => {
  const dir = t.testdir({
    'nodefault.mjs': 'export const rules = {};\n',
    'throws.mjs': 'throw new Error("config boom");\n',
    'bad.mjs': 'export default { rules: { schema: "loud" } };\n',
    'swarmlint.config.json': {},
  });
  let e = await configError(t, { cwd: dir, configPath: 'nodefault.mjs' });
  t.equal(e.message, 'the config module must export its configuration as default');
  e = await configError(t, { cwd: dir, configPath: 'throws.mjs' });
  t.equal(e.message, 'the config module failed to load: config boom', 'a module that throws on import');
  t.equal(e.file, join(dir, 'throws.mjs'));
  e = await configError(t, { cwd: dir, configPath: 'bad.mjs' });
  t.equal(e.message, '`rules.schema` must be one of: off, error, warning, info, suggestion, warn, 0, 1, 2', 'checked against the schema');
  t.equal(e.line, undefined, 'no position in a JS config');
  e = await configError(t, { cwd: dir });
  t.match(e.message, /^cannot read the config file: EISDIR/, 'a folder named like a config file');
});

t.test('built-in rules without docs are off unless named', async (t) => {
  const bare = {
    ...(builtinRules.schema as SwarmlintRule),
    meta: { ...(builtinRules.schema as SwarmlintRule).meta, docs: undefined },
  } as SwarmlintRule;
  const dir = t.testdir({ 'all.yml': 'extends: all\n' });
  const c = await loadConfig({ cwd: dir, configPath: 'all.yml', builtins: { bare } });
  t.same(c.rules, { bare: { severity: 'off', options: [] } });
});

t.test('what --cluster-facts gives the rules can be written in the config file too', (t) => {
  const facts = loadFacts(
    JSON.stringify({
      format: 'swarmlint-facts/1',
      kind: 'audit',
      swarm: { dataPathPort: 4789, defaultAddrPools: ['10.20.0.0/16'], subnetSize: 26 },
      nodes: [{ id: 'a', hostname: 'm1', os: 'windows', address: '192.168.1.10', underlayMtu: 1400 }],
      networks: [{ id: 'n', name: 'ingress', ingress: true, encrypted: true, mtu: 1400, subnets: ['10.0.0.0/24'] }],
      services: [{ id: 's', name: 'web', ports: [{ target: 80, published: 80, protocol: 'tcp', mode: 'ingress' }] }],
    }),
    'facts.json',
  );
  const cluster = profileFromFacts(facts);
  t.ok(Object.keys(cluster).length >= 9, `a full profile (${Object.keys(cluster).join(', ')})`);
  t.ok(validateConfig({ cluster }), `valid in the config schema: ${errorsOf(validateConfig)}`);
  t.end();
});

// The package's public surface: the plugin (default), the languages and source code, createRule and the rule
// helpers, settings readers. Loaders, the runner, config and reporters are internal; adding a name here is a
// decision, not an accident. The rule tester is `swarmlint/rule-tester`.
import t from 'tap';
import * as api from '../../index.js';
import { readFileSync } from 'node:fs';

t.same(
  Object.keys(api).sort(),
  ['SwarmlintSourceCode', 'clusterOf', 'createRule', 'default', 'languages', 'report', 'ruleCreator', 'settingsOf', 'textOf', 'visit'],
  'index.ts exports only the public names',
);
t.same(Object.keys(api.languages ?? {}).sort(), ['facts', 'stack'], 'both languages');
t.equal(api.default.languages, api.languages, 'the languages are the plugin’s');

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
t.same(Object.keys(pkg.exports), ['.', './rule-tester', './package.json'], 'entry points: the plugin and the rule tester');

import t from 'tap';
import { interpolateTree, substitute } from '../../language/loader/interpolate.js';
import { defaultLimits } from '../../language/loader/limits.js';
import { parseYaml, toJS, type PValue } from '../../language/loader/yaml.js';

const env = new Map([
  ['SET', 'value'],
  ['EMPTY', ''],
]);

// docker/cli cli/compose/template semantics, case by case.
const cases: [string, string, string[]][] = [
  ['plain $$ escape', '$$SET and $${SET}', []],
  ['$SET', '$SET', []],
  ['${SET}', '${SET}', []],
  ['${UNSET:-def}', '${UNSET:-def}', []],
  ['${EMPTY:-def}', '${EMPTY:-def}', []],
  ['${EMPTY-def}', '${EMPTY-def}', []],
  ['${UNSET-def}', '${UNSET-def}', []],
  ['${UNSET}', '${UNSET}', ['unset']],
  ['${UNSET:?msg}', '${UNSET:?msg}', ['required']],
  ['${EMPTY:?msg}', '${EMPTY:?msg}', ['required']],
  ['${EMPTY?msg}', '${EMPTY?msg}', []],
  ['${UNSET?msg}', '${UNSET?msg}', ['required']],
  ['${SET:+alt} is invalid', '${SET:+alt}', ['invalid']],
  ['${', '${', ['invalid']],
  ['$1', '$1', ['invalid']],
  ['a trailing $', 'cost $', ['invalid']],
];
const expected = ['$SET and ${SET}', 'value', 'value', 'def', 'def', '', 'def', '', '', '', '', '', '${SET:+alt}', '${', '$1', 'cost $'];

cases.forEach(([name, template, problems], i) => {
  const out = substitute(template, env);
  t.equal(out.value, expected[i], `${name}: value`);
  t.same(
    out.problems.map((p) => p.kind),
    problems,
    `${name}: problems`,
  );
});

t.test('the required message and the variable name are kept; values never', (t) => {
  const out = substitute('${DB_PASSWORD:?set the password}', env);
  t.same(out.problems, [{ kind: 'required', variable: 'DB_PASSWORD', detail: 'set the password' }]);
  t.end();
});

t.test('trees: every string value, never keys; casts where docker/cli casts', (t) => {
  const root = parseYaml(
    'services:\n  ${SET}:\n    image: "img:${SET}"\n    deploy:\n      replicas: ${N:-3}\n    read_only: ${B:-yes}\n    privileged: ${B2:-maybe}\n    command: ["$SET", 5]\nnetworks:\n  n:\n    external: ${E:-true}\n',
    'x.yml',
    0,
    defaultLimits,
  ).root as PValue;
  const { tree, problems } = interpolateTree(root, env);
  t.same(toJS(tree), {
    services: { '${SET}': { image: 'img:value', deploy: { replicas: 3 }, read_only: true, privileged: 'maybe', command: ['value', 5] } },
    networks: { n: { external: true } },
  });
  t.same(
    problems.map((p) => [p.kind, p.path, p.detail]),
    [['cast', 'services.${SET}.privileged', 'invalid boolean: maybe']],
  );
  t.end();
});

t.test('casts: false, integers, floats; an alias shared outside services is substituted once', (t) => {
  const root = parseYaml(
    [
      'x-shared: &shared {v: "${SET}"}',
      'x-again: *shared',
      'services:',
      '  a:',
      '    tty: ${F:-off}',
      '    deploy:',
      '      replicas: ${R:-2.5}',
      '      update_config: {max_failure_ratio: "${M:-0.25}"}',
      '      rollback_config: {max_failure_ratio: "${M2:-lots}"}',
      '',
    ].join('\n'),
    'x.yml',
    0,
    defaultLimits,
  ).root as PValue;
  const { tree, problems } = interpolateTree(root, env);
  t.match(toJS(tree), {
    'x-shared': { v: 'value' },
    'x-again': { v: 'value' },
    services: { a: { tty: false, deploy: { update_config: { max_failure_ratio: 0.25 } } } },
  });
  t.same(
    problems.map((p) => [p.path, p.detail]),
    [
      ['services.a.deploy.replicas', 'failed to cast to expected type: not an integer'],
      ['services.a.deploy.rollback_config.max_failure_ratio', 'failed to cast to expected type: not a number'],
    ],
  );
  t.end();
});

// The CLI's other commands and flags: rules, --help, --version, --debug, --cluster-facts.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { LINT_HELP } from '../../cli/lint.js';
import { writeReport } from '../../cli/output.js';
import { rules } from '../../rules/index.js';
import { swarmlint, swarmlintInProcess, TWO_PROBLEMS } from '../helpers/cli.js';

// --version and --debug's stack trace (of the built files) through the built CLI in a child process; the other cases
// in this process (the same main, with its own streams). A hang limit, not a speed bound.
t.setTimeout(600_000);

const cwd = t.testdir({ 'two.yml': TWO_PROBLEMS });

t.test('swarmlint rules: every rule with its severity, recommended, fixable and description', async (t) => {
  const r = await swarmlintInProcess(['rules'], { cwd });
  t.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split('\n');
  t.same(
    lines.map((l) => l.split(/\s+/)[0]),
    Object.keys(rules),
    'one line per rule, in registry order',
  );
  for (const line of lines) {
    const id = line.split(/\s+/)[0] ?? '';
    const rule = rules[id];
    const docs = rule?.meta.docs;
    t.match(line, new RegExp(`^${id}\\s+${String(docs?.severity)}\\s`), `${id}: severity`);
    t.equal(/\srecommended\s/.test(line), docs?.recommended === true, `${id}: recommended`);
    t.equal(/\sfixable\s/.test(line), Boolean(rule?.meta.fixable), `${id}: fixable`);
    t.ok(line.endsWith(docs?.description ?? '-'), `${id}: description`);
  }
  t.match(
    lines.find((l) => l.startsWith('prefer-long-port-syntax')),
    /\sfixable\s/,
    'a fixable rule says so',
  );
});

t.test('--help, lint --help and --version', async (t) => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const r = await swarmlint([flag], { cwd });
    t.same([r.code, r.stdout], [0, `${pkg.version}\n`], `${flag}: the package version`);
  }
  const help = await swarmlintInProcess(['--help'], { cwd });
  t.equal(help.code, 0);
  t.match(help.stdout, /^Usage: swarmlint <command> \[options\]\n[\s\S]*\n {2}lint FILE\.\.\.[\s\S]*\n {2}rules /);
  const lint = await swarmlintInProcess(['lint', '--help'], { cwd });
  t.same([lint.code, lint.stdout], [0, `${LINT_HELP}\n`], 'lint --help');
  for (const option of Object.keys((await import('../../cli/args.js')).LINT_OPTIONS))
    t.ok(LINT_HELP.includes(`--${option}`), `lint --help documents --${option}`);
});

t.test('--debug: a stack trace for errors; without it, one line', async (t) => {
  const plain = await swarmlintInProcess(['lint', '--env-file', 'missing.env', 'two.yml'], { cwd });
  t.equal(plain.code, 2);
  t.equal(plain.stderr.split('\n').length, 2, 'one line');
  const debug = await swarmlint(['lint', '--debug', '--env-file', 'missing.env', 'two.yml'], { cwd });
  t.equal(debug.code, 2);
  t.match(debug.stderr, /^swarmlint: --env-file missing\.env: ENOENT[^\n]*\nUsageError: [^\n]*\n\s+at /, 'the message, then the stack');
  t.match(debug.stderr, /cli\/lint\.c?js:\d+/, 'pointing into the code that threw (lint.cjs: the bundle the CLI runs)');
});

t.test('internal errors: said so, with the stack under --debug; anything thrown is shown', async (t) => {
  const dir = t.testdir({
    'error.mjs': "export default { get rules() { throw new TypeError('a getter that throws'); } };\n",
    'string.mjs': "export default { get rules() { throw 'a bare string'; } };\n",
    'nodefault.mjs': 'export const rules = {};\n',
    'docker-stack.yml': TWO_PROBLEMS,
  });
  const plain = await swarmlintInProcess(['lint', '--config', 'error.mjs', 'docker-stack.yml'], { cwd: dir });
  t.equal(plain.code, 2);
  t.equal(plain.stderr, 'swarmlint: internal error: a getter that throws\n(run with --debug for the stack trace)\n');
  const debug = await swarmlintInProcess(['lint', '--debug', '--config', 'error.mjs', 'docker-stack.yml'], { cwd: dir });
  t.match(debug.stderr, /^swarmlint: internal error: a getter that throws\nTypeError: a getter that throws\n\s+at /);
  const str = await swarmlintInProcess(['lint', '--config', 'string.mjs', 'docker-stack.yml'], { cwd: dir });
  t.equal(str.stderr, 'swarmlint: internal error: a bare string\n(run with --debug for the stack trace)\n');
  const nodefault = await swarmlintInProcess(['lint', '--config', 'nodefault.mjs', 'docker-stack.yml'], { cwd: dir });
  t.equal(
    nodefault.stderr,
    `swarmlint: ${dir}/nodefault.mjs: the config module must export its configuration as default\n`,
    'a config error with a file and no position',
  );
});

t.test('swarmlint audit --help', async (t) => {
  const r = await swarmlintInProcess(['audit', '--help'], { cwd });
  t.equal(r.code, 0);
  t.match(r.stdout, /^Usage: swarmlint audit /);
});

t.test('--cluster-facts: what a saved audit says reaches the rules, over the config', async (t) => {
  const dir = t.testdir({
    'show.mjs': [
      '// Reports the cluster profile the rules see, as JSON.',
      'export default { rules: { cluster: {',
      "  meta: { type: 'problem', schema: [], messages: { show: '{{cluster}}' }, docs: { description: 'the cluster' } },",
      '  create(context) {',
      "    return { 'Stack:exit'(node) { context.report({ loc: node.loc, messageId: 'show', data: { cluster: JSON.stringify(context.settings.swarmlint.cluster) } }); } };",
      '  },',
      '} } };',
      '',
    ].join('\n'),
    'swarmlint.config.yml': [
      'extends: none',
      'plugins:',
      '  show: ./show.mjs',
      'rules:',
      '  show/cluster: info',
      'cluster:',
      '  nodes: 9',
      '  underlayMtu: 9000',
      '  siteCidrs: [{cidr: 192.168.0.0/16, name: office}]',
      '',
    ].join('\n'),
    'docker-stack.yml': 'services:\n  web:\n    image: nginx:1.27\n',
    'facts.json': JSON.stringify(
      {
        format: 'swarmlint-facts/1',
        kind: 'audit',
        swarm: { dataPathPort: 4789, defaultAddrPools: ['10.20.0.0/16'], subnetSize: 26 },
        nodes: [
          { id: 'a', hostname: 'm1', role: 'manager', os: 'linux', underlayMtu: 1450 },
          { id: 'b', hostname: 'w1', os: 'windows', underlayMtu: 1400 },
          { id: 'c', hostname: 'w2', availability: 'drain' },
        ],
        networks: [
          { id: 'n1', name: 'ingress', ingress: true, subnets: ['10.0.0.0/24'] },
          { id: 'n2', name: 'shop_back', encrypted: true, mtu: 1400, subnets: ['10.0.1.0/24'] },
        ],
        services: [{ id: 's1', name: 'shop_web', ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }] }],
      },
      null,
      2,
    ),
    'stack-not-facts.json': '{"services": {}}\n',
  });
  const seen = async (args: string[]): Promise<Record<string, unknown>> => {
    const r = await swarmlintInProcess(['lint', '-f', 'json', ...args, 'docker-stack.yml'], { cwd: dir });
    const f = (JSON.parse(r.stdout) as { findings: { ruleId: string; message: string }[] }).findings.find(
      (x) => x.ruleId === 'show/cluster',
    );
    return JSON.parse(f?.message ?? '{}') as Record<string, unknown>;
  };
  t.same(
    await seen([]),
    { nodes: 9, underlayMtu: 9000, siteCidrs: [{ cidr: '192.168.0.0/16', name: 'office' }] },
    'without facts: the config',
  );
  t.same(
    await seen(['--cluster-facts', 'facts.json']),
    {
      nodes: 2,
      underlayMtu: 1400,
      siteCidrs: [{ cidr: '192.168.0.0/16', name: 'office' }],
      networks: [
        { name: 'ingress', subnets: ['10.0.0.0/24'], encrypted: false, scope: 'swarm' },
        { name: 'shop_back', subnets: ['10.0.1.0/24'], encrypted: true, mtu: 1400, scope: 'swarm' },
      ],
      publishedPorts: [{ port: 8080, protocol: 'tcp', service: 'shop_web' }],
      windowsNodes: 1,
      defaultAddrPools: ['10.20.0.0/16'],
      subnetSize: 26,
      ingressSubnet: '10.0.0.0/24',
    },
    'ready nodes, the smallest MTU, networks, ports, pools from the facts; what only the config says is kept',
  );
  const notFacts = await swarmlintInProcess(['lint', '--cluster-facts', 'stack-not-facts.json', 'docker-stack.yml'], { cwd: dir });
  t.equal(notFacts.code, 2);
  t.match(notFacts.stderr, /^swarmlint: \S+stack-not-facts\.json:1:1: --cluster-facts: not a facts document/);
  const missing = await swarmlintInProcess(['lint', '--cluster-facts', 'nope.json', 'docker-stack.yml'], { cwd: dir });
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^swarmlint: --cluster-facts nope\.json: ENOENT/);
});

t.test('writeReport refuses an unknown format (for commands that do not check it first)', async (t) => {
  await t.rejects(
    writeReport(
      { findings: [], errors: [], files: [], rulesRun: [] },
      'xml',
      { cwd, rules: [], color: false, command: 'audit' },
      undefined,
    ),
    { name: 'UsageError', message: /^unknown format "xml"/ },
  );
  await t.rejects(
    writeReport(
      { findings: [], errors: [], files: [], rulesRun: [] },
      'toString',
      { cwd, rules: [], color: false, command: 'audit' },
      undefined,
    ),
    { name: 'UsageError', message: /^unknown format "toString"/ },
    'a name every object has is not a format',
  );
});

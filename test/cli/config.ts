// Configuration through the CLI: the config file found or named, and its errors (exit 2, naming the rule or
// the setting, with file:line:column).
import t from 'tap';
import { join } from 'node:path';
import { swarmlintInProcess, TWO_PROBLEMS } from '../helpers/cli.js';

// In this process (the same main as the binary's, with its own streams and working folder). A hang limit, not a
// speed bound.
t.setTimeout(600_000);

t.test('the nearest config file applies; --config names another', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': 'extends: none\nrules:\n  swarm-ignored-key: error\n',
    'strict.json': '{ "rules": { "dnsrr-ingress-port": "off" }, "failureThreshold": "warning" }\n',
    stacks: { 'two.yml': TWO_PROBLEMS },
  });
  const near = await swarmlintInProcess(['lint', 'two.yml'], { cwd: join(cwd, 'stacks') });
  t.equal(near.code, 1);
  t.match(near.stdout, /5:5 +error .*swarm-ignored-key/, 'the config file in the folder above');
  t.notMatch(near.stdout, 'dnsrr-ingress-port', 'extends: none');
  const named = await swarmlintInProcess(['lint', '--config', '../strict.json', 'two.yml'], { cwd: join(cwd, 'stacks') });
  t.equal(named.code, 1, 'failureThreshold: warning from the named config');
  t.match(named.stdout, /5:5 +warning .*swarm-ignored-key/);
  t.notMatch(named.stdout, 'dnsrr-ingress-port');
});

t.test('config errors: exit 2, the rule or setting named, with file:line:column', async (t) => {
  const cwd = t.testdir({
    'two.yml': TWO_PROBLEMS,
    'unknown.yml': 'rules:\n  schema: error\n  overlay-mut: warning\n',
    'options.yml': 'rules:\n  overlay-mtu: [warning, {underlayMtu: big}]\n',
    'nooptions.yml': 'rules:\n  dnsrr-ingress-port: [error, {strict: true}]\n',
    'key.json': '{\n  "extends": "all",\n  "rulez": {}\n}\n',
    'nested.yml': 'cluster:\n  nodes: 3\n  underlayMTU: 1400\n',
    'off.yml': 'extends: recommended\nrules:\n  swarm-ignored-key: off\n  dnsrr-ingress-port: off\n',
  });
  for (const [file, message] of [
    ['unknown.yml', /^swarmlint: \S+unknown\.yml:3:3: config: unknown rule "overlay-mut" \(did you mean "overlay-mtu"\?\)\n$/],
    ['options.yml', /^swarmlint: \S+options\.yml:2:27: rule overlay-mtu: invalid options: `underlayMtu` must be integer\n$/],
    ['nooptions.yml', /^swarmlint: \S+nooptions\.yml:2:3: rule dnsrr-ingress-port: takes no options\n$/],
    ['key.json', /^swarmlint: \S+key\.json:3:3: `rulez` is not a known setting \(did you mean `rules`\?\)\n$/],
    ['nested.yml', /^swarmlint: \S+nested\.yml:3:3: `cluster\.underlayMTU` is not a known setting \(did you mean `underlayMtu`\?\)\n$/],
  ] as const) {
    const r = await swarmlintInProcess(['lint', '--config', file, 'two.yml'], { cwd });
    t.equal(r.code, 2, `${file}: exit 2`);
    t.match(r.stderr, message, `${file}: ${r.stderr.trim()}`);
    t.equal(r.stdout, '', `${file}: nothing linted`);
    t.ok(r.stderr.includes(join(cwd, file)), `${file}: the file named`);
  }
  const off = await swarmlintInProcess(['lint', '--config', 'off.yml', 'two.yml'], { cwd });
  t.same([off.code, off.stdout, off.stderr], [0, '', ''], '`off` in a YAML config turns rules off');
  const gone = await swarmlintInProcess(['lint', '--config', 'gone.yml', 'two.yml'], { cwd });
  t.equal(gone.code, 2);
  t.match(gone.stderr, /^swarmlint: \S+gone\.yml: the config file does not exist\n$/);
});

t.test('stackName names the stack; unused suppressions are reported with their help', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': 'stackName: shop\nextends: none\nrules:\n  swarm-ignored-key: warning\n',
    'docker-stack.yml':
      'services:\n  web:\n    image: nginx:1.27\n    # swarmlint-disable-next-line dnsrr-ingress-port -- no longer needed\n    container_name: web\n',
    'facts.json': '{"format": "swarmlint-facts/1", "kind": "audit", "nodes": [], "networks": [], "services": []}\n',
    'strict.yml': 'extends: none\nunusedSuppressions: error\n',
    'quiet.yml': 'extends: none\nunusedSuppressions: off\nrules:\n  swarm-ignored-key: warning\n',
  });
  const r = await swarmlintInProcess(['lint', '-f', 'json', 'docker-stack.yml', 'facts.json'], { cwd });
  const out = JSON.parse(r.stdout) as {
    findings: { ruleId: string; line: number; logical: { kind: string; name: string }[] }[];
    rules: Record<string, { docsUrl?: string }>;
  };
  t.same(
    out.findings.map((f) => [f.ruleId, f.line]),
    [
      ['unused-suppression', 4],
      ['swarm-ignored-key', 5],
    ],
  );
  t.same(out.findings[1]?.logical[0], { kind: 'stack', name: 'shop' }, 'the stack is named by stackName');
  t.equal(
    out.rules['unused-suppression']?.docsUrl,
    'https://github.com/swarmlint/swarmlint#suppressing-a-finding',
    'help for unused suppressions',
  );
  t.equal(r.code, 0, 'warnings only');
  const strict = await swarmlintInProcess(['lint', '--config', 'strict.yml', 'docker-stack.yml'], { cwd });
  t.equal(strict.code, 1, 'unusedSuppressions: error fails the run');
  t.match(strict.stdout, /4:5 +error +Unused suppression/);
  const off = await swarmlintInProcess(['lint', '-f', 'json', '--config', 'quiet.yml', 'docker-stack.yml'], { cwd });
  t.same(
    (JSON.parse(off.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId),
    ['swarm-ignored-key'],
    'unusedSuppressions: off',
  );
});

t.test('docker.cliVersion picks how the files are read: yaml.v2 before docker 28, yaml.v3 since', async (t) => {
  const stack = 'services:\n  web:\n    image: nginx:1.27\n    read_only: yes\n    environment:\n      on: "1"\n';
  const cwd = t.testdir({
    'docker-stack.yml': stack,
    old: { 'swarmlint.config.yml': 'docker:\n  cliVersion: "27.5.1"\nextends: none\nrules:\n  schema: error\n', 'docker-stack.yml': stack },
    bad: { 'swarmlint.config.yml': 'docker:\n  cliVersion: latest\n' },
  });
  const current = await swarmlintInProcess(['lint', '-f', 'json', '--rule', 'schema:error', 'docker-stack.yml'], { cwd });
  const found = (r: { stdout: string }): string[] =>
    (JSON.parse(r.stdout) as { findings: { ruleId: string; messageId?: string; line: number }[] }).findings
      .filter((f) => f.ruleId === 'schema')
      .map((f) => `${f.messageId ?? ''}:${String(f.line)}`);
  t.same(found(current), ['violation:4'], 'docker 28 (default): `yes` is text, so read_only is refused; `on` is a text key');
  const old = await swarmlintInProcess(['lint', '-f', 'json', 'docker-stack.yml'], { cwd: join(cwd, 'old') });
  t.same(found(old), ['nonStringKey:6'], 'docker 27: `yes` is true, and `on:` is a boolean key docker refuses');
  const bad = await swarmlintInProcess(['lint', 'x.yml'], { cwd: join(cwd, 'bad') });
  t.equal(bad.code, 2, 'a version that is not one is a config error');
  t.match(bad.stderr, /docker\.cliVersion|cliVersion/);
});

t.test('stacks of one run are on separate swarms unless --same-swarm or sameSwarm says otherwise', async (t) => {
  const stack = (service: string): string => `services:\n  ${service}:\n    image: nginx:1.27\n    ports: ["80:80"]\n`;
  const cwd = t.testdir({
    'a.yml': stack('web'),
    'b.yml': stack('proxy'),
    'c.yml': 'services:\n  web:\n    image: nginx:1.27\n    container_name: web\n',
    'one-swarm.yml': 'sameSwarm: true\n',
  });
  const ids = (stdout: string): string[] => (JSON.parse(stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId);
  const apart = await swarmlintInProcess(['lint', '-f', 'json', 'a.yml', 'b.yml'], { cwd });
  t.same([apart.code, ids(apart.stdout)], [0, []], 'two files, two stacks, maybe two swarms: no conflict');
  const flag = await swarmlintInProcess(['lint', '-f', 'json', '--same-swarm', 'a.yml', 'b.yml'], { cwd });
  t.equal(flag.code, 1);
  t.same(ids(flag.stdout), ['published-port-conflict'], '--same-swarm: the conflict, once (on the later stack)');
  const config = await swarmlintInProcess(['lint', '-f', 'json', '--config', 'one-swarm.yml', 'a.yml', 'b.yml'], { cwd });
  t.same(ids(config.stdout), ['published-port-conflict'], 'sameSwarm: true in the config');
  const named = await swarmlintInProcess(['lint', '-f', 'json', '--stack-name', 'shop', 'c.yml'], { cwd });
  t.same(
    (JSON.parse(named.stdout) as { findings: { logical: { kind: string; name: string }[] }[] }).findings[0]?.logical[0],
    { kind: 'stack', name: 'shop' },
    '--stack-name names the stack',
  );
  const bad = await swarmlintInProcess(['lint', '--stack-name', ' ', 'a.yml'], { cwd });
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--stack-name " ": a name without spaces/);
});

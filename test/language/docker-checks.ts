import t from 'tap';
import { parseEnvFile, shlexError, shortVolumeError } from '../../language/loader/docker-checks.js';
import { loadStack } from '../../language/loader/stack.js';

const problems = (text: string, extra: { workingDir?: string; env?: Map<string, string> } = {}): string[] =>
  loadStack([{ path: 'x.yml', text }], extra)
    .stack.diagnostics.filter((d) => d.rule === 'schema')
    .map((d) => `${d.data.path ?? ''} ${d.data.problem ?? ''}`);

t.test('short volume specs as docker/cli ParseVolume reads them', (t) => {
  t.equal(shortVolumeError(''), 'invalid empty volume spec');
  t.equal(shortVolumeError(':/path'), 'invalid spec: :/path: empty section between colons', 'an unset variable before the colon');
  t.equal(shortVolumeError('ab:/b:ro:x'), 'invalid spec: ab:/b:ro:x: too many colons');
  t.equal(shortVolumeError('a:/b:xx'), undefined, 'a one-letter source is a Windows drive: docker accepts it');
  t.equal(shortVolumeError('/d'), undefined);
  t.equal(shortVolumeError('data:/d:ro'), undefined);
  t.end();
});

t.test('shell words as google/shlex splits them', (t) => {
  t.equal(shlexError('echo "a b"'), undefined);
  t.equal(shlexError('echo "a b'), 'EOF found when expecting closing quote');
  t.equal(shlexError("echo 'a"), 'EOF found when expecting closing quote');
  t.equal(shlexError('echo a\\'), 'EOF found after escape character');
  t.equal(shlexError("echo 'a\\' b"), undefined, 'no escapes inside single quotes');
  t.end();
});

t.test('env files as opts.ParseEnvFile reads them', (t) => {
  const env = new Map([['FROM_ENV', 'x']]);
  const ok = parseEnvFile('\uFEFFA=1\n  # comment\n\nB=two words\nFROM_ENV\nMISSING\n', 'a.env', env);
  t.same(ok.ok ? [...ok.vars] : ok.error, [
    ['A', '1'],
    ['B', 'two words'],
    ['FROM_ENV', 'x'],
  ]);
  const bad = parseEnvFile('export B=2\n', 'a.env', env);
  t.same(bad, { ok: false, error: "invalid env file (a.env): variable 'export B' contains whitespaces" });
  t.same(parseEnvFile('=1\n', 'a.env', env), { ok: false, error: "invalid env file (a.env): no variable name on line '=1'" });
  t.end();
});

t.test("docker/cli's load-time refusals become schema findings", (t) => {
  const dir = t.testdir({ 'a.env': 'A=1\n', 'bad.env': 'A B=1\n' });
  t.same(problems('services:\n  web:\n    image: nginx\n    env_file: [a.env]\n', { workingDir: dir }), []);
  t.match(problems('services:\n  web:\n    image: nginx\n    env_file: bad.env\n', { workingDir: dir }), [
    /env_file is refused by docker: .*contains whitespaces/,
  ]);
  t.match(problems('services:\n  web:\n    image: nginx\n    env_file: nope.env\n', { workingDir: dir }), [
    /env_file names nope.env, which docker cannot read .*ENOENT/,
  ]);
  t.match(problems('services:\n  web:\n    image: nginx\n    labels:\n      a: .inf\n'), [/services.web.labels.a is Infinity/]);
  t.match(problems('services:\n  web:\n    image: 2001-12-14\n'), [/services.web.image is read as a timestamp/]);
  t.same(
    problems('services:\n  web:\n    image: nginx\n    environment:\n      A: 2001-12-14\n'),
    [],
    'a timestamp in environment is printed as text',
  );
  t.match(problems('services:\n  web:\n    image: nginx\n    ports:\n      - 80.0\n'), [/ports\[0\] is a float/]);
  t.match(problems('services:\n  web:\n    image: nginx\n    deploy:\n      replicas: -1\n'), [/deploy.replicas must not be negative/]);
  t.match(problems('services:\n  web:\n    image: nginx\n    ports:\n      - {target: -1}\n'), [/ports\[0\].target/]);
  t.match(problems('services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          memory: lots\n'), [
    /memory is not a size/,
  ]);
  t.same(problems('services:\n  web:\n    image: nginx\n    deploy:\n      resources:\n        limits:\n          memory: 1.5g\n'), []);
  t.match(problems('services:\n  web:\n    image: nginx\n    command: echo "a\n'), [/command cannot be split/]);
  t.match(problems('services:\n  web:\n    image: nginx\n    volumes:\n      - ":/d"\n'), [/volumes\[0\] is not a volume docker can read/]);
  t.match(problems('services:\n  web:\n    image: nginx\n    volumes:\n      - type: bind\n        target: /d\n'), [
    /bind mount without `source`/,
  ]);
  t.match(problems('services:\n  web:\n    image: nginx\nvolumes:\n  v:\n    external: true\n    driver: local\n'), [
    /volumes.v.driver cannot be combined with `external`/,
  ]);
  t.match(problems('version: "3.5"\nservices:\n  web:\n    image: nginx\nnetworks:\n  n:\n    external:\n      name: a\n    name: b\n'), [
    /both `external.name` and `name`/,
  ]);
  t.match(problems('services:\n  web:\n    image: nginx\nsecrets:\n  s:\n    driver: x\n    file: ./s\n'), [/both `driver` and `file`/]);
  t.end();
});

import t, { type Test } from 'tap';
import { LoadError } from '../../language/loader/errors.js';
import { defaultLimits } from '../../language/loader/limits.js';
import { joinFiles, loadStack, loadStackText } from '../../language/loader/stack.js';
import { checkDepth, decodeText, LineIndex } from '../../language/loader/text.js';
import { atPointer, dialectOf, parseYaml, resolvePlain, toJS, type PValue, type YamlDialect } from '../../language/loader/yaml.js';
import type { Stack } from '../../language/model.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const load = (...texts: string[]): Stack => loadStack(texts.map((text, i) => ({ path: `f${String(i)}.yml`, text }))).stack;
const js = (text: string, dialect: YamlDialect = 'v3'): unknown => {
  const root = parseYaml(text, 'x.yml', 0, defaultLimits, dialect).root;
  return root ? toJS(root) : undefined;
};
const throwsAt = (t: Test, fn: () => unknown, message: RegExp, line: number, column?: number): void => {
  try {
    fn();
    t.fail('expected a LoadError');
  } catch (error) {
    t.type(error, LoadError);
    const e = error as LoadError;
    t.match(e.message, message);
    t.equal(e.line, line, 'line');
    if (column !== undefined) t.equal(e.column, column, 'column');
  }
};

t.test('YAML as docker/cli reads it: yaml.v2 before docker 28, yaml.v3 since', (t) => {
  t.same(js('a: yes\nb: off\nc: n\nd: "yes"\ne: True\n', 'v2'), { a: true, b: false, c: false, d: 'yes', e: true }, 'v2 booleans');
  t.same(js('a: yes\nb: off\nc: n\nd: "yes"\ne: True\n'), { a: 'yes', b: 'off', c: 'n', d: 'yes', e: true }, 'v3: only true/false');
  for (const dialect of ['v2', 'v3'] as const) {
    t.same(
      js('a: 0755\nb: 0x1F\nc: 1_000\nd: 0b101\ne: +1\nf: 08\n', dialect),
      { a: 493, b: 31, c: 1000, d: 5, e: 1, f: 8 },
      `${dialect}: Go's ParseInt`,
    );
    t.same(
      js('a: 80:80\nb: 1:30\nc: 2001-12-14\nd: .\ne: 1.\n', dialect),
      { a: '80:80', b: '1:30', c: '2001-12-14', d: '.', e: 1 },
      `${dialect}: no sexagesimal numbers, no timestamps, "." is text`,
    );
  }
  t.equal(resolvePlain('0o17', 'v3'), 15);
  t.equal(resolvePlain('-0o17', 'v2'), -15, "Go's ParseInt takes a sign and the 0o prefix");
  t.equal(resolvePlain('99999999999999999999', 'v3'), 1e20, 'beyond uint64: a float');
  t.equal(resolvePlain('.5', 'v3'), 0.5);
  t.equal(resolvePlain('-.inf', 'v2'), -Infinity);
  t.equal(js('a: !!binary bmdpbng=\n', 'v3') && (js('a: !!binary bmdpbng=\n') as { a: string }).a, 'nginx', '!!binary is decoded');
  t.equal(dialectOf('27.5.1'), 'v2');
  t.equal(dialectOf('v28.0.0'), 'v3');
  t.equal(dialectOf(undefined), 'v3');
  t.equal(dialectOf('latest'), 'v3');
  t.end();
});

t.test('anchors, aliases and merge keys keep where values were written', (t) => {
  const text = 'x-defaults: &d\n  deploy:\n    replicas: 3\n  image: base\nservices:\n  a:\n    <<: *d\n    image: mine\n  b: *d\n';
  t.same(js(text), {
    'x-defaults': { deploy: { replicas: 3 }, image: 'base' },
    services: { a: { image: 'mine', deploy: { replicas: 3 } }, b: { deploy: { replicas: 3 }, image: 'base' } },
  });
  const stack = load(text);
  const a = stack.services.find((s) => s.name === 'a');
  t.equal(a?.image, 'mine', 'explicit keys win over merged ones');
  t.equal(a?.replicas, 3);
  t.equal(a?.at.replicas?.loc.start.line, 3, 'a merged value points at the anchor it came from');
  t.same(
    js('a: &x {p: 1}\nb: &y {p: 2, q: 2}\nc:\n  <<: [*x, *y]\n'),
    { a: { p: 1 }, b: { p: 2, q: 2 }, c: { p: 1, q: 2 } },
    'earlier merge sources win',
  );
  t.same(
    js('a: &x 1\nb: *x\nc: &x [2, &y 3]\nd: *x\ne: *y\nf: {g: *x}\n'),
    { a: 1, b: 1, c: [2, 3], d: [2, 3], e: 3, f: { g: [2, 3] } },
    'an alias is the last node with its anchor before it (an anchor defined again)',
  );
  t.end();
});

t.test('limits: aliases, depth, size, bytes', (t) => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++)
    bomb.push(
      `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
        .fill(`*${String.fromCharCode(96 + i)}`)
        .join(',')}]`,
    );
  throwsAt(t, () => load(bomb.join('\n')), /aliases expand to more than 100000 nodes/, 5);
  throwsAt(
    t,
    () => decodeText(enc(`a: ${'['.repeat(200)}${']'.repeat(200)}\n`), 'deep.yml', defaultLimits),
    /nesting deeper than 100 levels/,
    1,
    103,
  );
  throwsAt(t, () => decodeText(enc(`${'- '.repeat(150)}x\n`), 'deep.yml', defaultLimits), /nesting deeper/, 1);
  const blockDeep = Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}k${String(i)}:`).join('\n');
  throwsAt(t, () => decodeText(enc(blockDeep), 'deep.yml', defaultLimits), /nesting deeper/, 101);
  t.doesNotThrow(() => {
    checkDepth('a: "[[[[[[" # [[[[\nb: \'{{{{\'\n', 'ok.yml', 3);
  }, 'brackets in quotes and comments do not count');
  throwsAt(t, () => decodeText(new Uint8Array(5 * 1024 * 1024), 'big.yml', defaultLimits), /over the 4.0 MiB limit/, 1, 1);
  throwsAt(t, () => decodeText(enc('a: 1\nb: \u0000\n'), 'bin.yml', defaultLimits), /binary data/, 2, 4);
  throwsAt(t, () => decodeText(Uint8Array.from([...enc('a: 1\nb: '), 0xc3, 0x28, 10]), 'bad.yml', defaultLimits), /invalid UTF-8/, 2, 4);
  throwsAt(t, () => decodeText(Uint8Array.from([...enc('a: '), 0xed, 0xa0, 0x80]), 'surrogate.yml', defaultLimits), /invalid UTF-8/, 1, 4);
  const bom = decodeText(Uint8Array.from([0xef, 0xbb, 0xbf, ...enc('a: 1\r\n')]), 'bom.yml', defaultLimits);
  t.same(bom, { text: 'a: 1\r\n', bom: true }, 'a BOM is removed and remembered');
  t.end();
});

t.test('documents that are not stack files', (t) => {
  throwsAt(t, () => load(''), /empty/, 1);
  throwsAt(t, () => load('# only a comment\n'), /empty/, 1);
  throwsAt(t, () => load('%YAML 1.2\n---\nservices: {}\n'), /incompatible YAML document/, 1);
  throwsAt(t, () => load('- a\n- b\n'), /top level must be a mapping/, 1, 1);
  const dup = load('services:\n  a:\n    image: first\n  a:\n    image: second\n');
  t.equal(dup.services[0]?.image, 'second', 'a duplicated key: the later value wins, as in yaml.v2');
  t.same(
    dup.diagnostics.map((d) => [d.rule, d.messageId, d.data.key, d.loc.start.line]),
    [['schema', 'duplicateKey', 'a', 4]],
    'yaml.v3 (docker 28) refuses it',
  );
  const dupV2 = loadStack([{ path: 'a.yml', text: 'services:\n  a:\n    image: first\n  a:\n    image: second\n' }], {
    dialect: 'v2',
  }).stack;
  t.same(
    dupV2.diagnostics.map((d) => [d.rule, d.messageId, d.data.line]),
    [['swarm-ignored-key', 'duplicateKeyKept', '2']],
    'yaml.v2 keeps the later value: a warning',
  );
  const twoMerges = load('x-a: &a {image: a}\nx-b: &b {read_only: true}\nservices:\n  s:\n    <<: *a\n    <<: *b\n');
  t.same(
    twoMerges.diagnostics.map((d) => [d.messageId, d.data.key]),
    [['duplicateKey', '<<']],
    'a repeated merge key is a duplicate key',
  );
  throwsAt(t, () => load('services: [\n'), /must be sufficiently indented/, 2);
  throwsAt(t, () => load('a: *nowhere\n'), /./, 1);
  throwsAt(t, () => load('? [a, b]\n: c\n'), /mapping key must be a plain value/, 1);
  throwsAt(t, () => load('a:\n  <<: 5\n'), /merge key needs a mapping/, 2);
  const multi = load('services:\n  a:\n    image: x\n---\nb: [\n');
  t.same(
    multi.diagnostics.map((d) => [d.rule, d.messageId, d.data.documents]),
    [['swarm-ignored-key', 'document', '2']],
    'a second document is never parsed (docker reads the first only), even when it is not YAML',
  );
  t.end();
});

t.test('comments become ESLint Line comments, quoted # is not a comment', (t) => {
  const text = 'a: "x # not" # one\nb: |  # two\n  # content, not a comment\nc: 1\n# three\n';
  const stack = load(`services:\n  s:\n    image: x\n${text}`);
  t.same(
    stack.comments.map((c) => c.value),
    [' one', ' two', ' three'],
  );
  t.equal(stack.comments[0]?.loc.start.line, 4);
  t.end();
});

t.test('several files merge as docker stack deploy -c a -c b does', (t) => {
  const a =
    'version: "3.8"\nservices:\n  web:\n    image: nginx\n    ports: ["8080:80", "9090:90"]\n    environment: [A=1, B=2]\n    networks: [front]\n    deploy:\n      placement:\n        constraints: [node.role == worker]\nnetworks:\n  front:\n    driver: overlay\n';
  const b =
    'version: "3.8"\nservices:\n  web:\n    image: nginx:2\n    ports: ["8080:81"]\n    environment:\n      B: 3\n    networks:\n      back:\n        aliases: [w]\n    deploy:\n      replicas: 0\n      placement:\n        constraints: [node.labels.zone == a]\n  db:\n    image: postgres\n    networks: [back]\nnetworks:\n  front:\n    external: true\n  back: {}\n';
  const stack = load(a, b);
  const web = stack.services.find((s) => s.name === 'web');
  t.equal(web?.image, 'nginx:2', 'a scalar from the later file wins');
  t.equal(web?.replicas, 0, 'replicas from the later file win even when 0');
  t.same(
    web?.ports.map((p) => `${String(p.published)}:${String(p.target)}`),
    ['8080:81', '9090:90'],
    'ports keyed by published port, the later file wins, sorted',
  );
  t.same(
    web?.networks.map((n) => n.name),
    ['front', 'back'],
    'networks are a union',
  );
  t.same(
    web?.constraints.map((c) => c.expression),
    ['node.role == worker', 'node.labels.zone == a'],
    'constraints are appended',
  );
  t.same(
    stack.networks.map((n) => [n.name, n.external]),
    [
      ['front', true],
      ['back', false],
    ],
    'a top-level network of the later file replaces the whole entry',
  );
  const files = joinFiles([
    { path: 'f0.yml', text: a },
    { path: 'f1.yml', text: b },
  ]).infos;
  t.equal(files[1]?.line, a.split('\n').length, 'the second file starts on its own line');
  const override = web?.ports.find((p) => p.published === 8080);
  t.equal((override?.loc.start.line ?? 0) - (files[1]?.line ?? 0) + 1, 5, 'a value from the second file points into it');
  t.same(stack.diagnostics, [], 'same versions, nothing to report');
  t.match(load(a, 'services:\n  x:\n    image: y\n').diagnostics[0]?.data.problem ?? '', /is 3.13 here but 3.8 in the first file/);
  t.end();
});

t.test('interpolation happens per file before validation', (t) => {
  const stack = loadStack(
    [{ path: 'a.yml', text: 'services:\n  web:\n    image: "nginx:${TAG}"\n    deploy:\n      replicas: ${N:-2}\n' }],
    { env: new Map([['TAG', '1.27']]) },
  ).stack;
  t.equal(stack.services[0]?.image, 'nginx:1.27');
  t.equal(stack.services[0]?.replicas, 2, 'cast to a number where the schema needs one');
  t.same(stack.diagnostics, []);
  const unset = loadStack([{ path: 'a.yml', text: 'services:\n  web:\n    image: "nginx:${TAG}"\n' }]).stack;
  t.same(
    unset.diagnostics.map((d) => [d.rule, d.messageId, d.data.variable]),
    [['interpolation', 'unset', 'TAG']],
  );
  t.end();
});

t.test('the model: defaults, modes, ports, references', (t) => {
  const stack = load(
    'services:\n  web:\n    image: w\n    ports:\n      - "127.0.0.1:8000-8001:80-81/udp"\n      - target: 443\n        published: 443\n        mode: host\n    environment:\n      DB_URL: "postgres://u:secret@db:5432/x"\n      CACHE_HOST: cache:6379\n      OTHER: http://example.com\n    depends_on: [db]\n    links: ["cache:c"]\n  db:\n    image: d\n    deploy:\n      mode: global\n      endpoint_mode: dnsrr\n  cache:\n    image: c\n    networks: [back]\nnetworks:\n  back: {}\n',
  );
  const [web, db, cache] = stack.services;
  t.same(
    web?.ports.map((p) => [p.published, p.target, p.protocol, p.mode, p.syntax, p.hostIp, p.specIndex, p.specCount]),
    [
      [8000, 80, 'udp', 'ingress', 'short', '127.0.0.1', 0, 2],
      [8001, 81, 'udp', 'ingress', 'short', '127.0.0.1', 1, 2],
      [443, 443, 'tcp', 'host', 'long', undefined, 0, 1],
    ],
  );
  t.same(
    web?.references.map((r) => [r.via, r.target, r.variable]),
    [
      ['depends_on', 'db', undefined],
      ['links', 'cache', undefined],
      ['environment', 'db', 'DB_URL'],
      ['environment', 'cache', 'CACHE_HOST'],
    ],
    'references by name, never keeping a value',
  );
  t.equal(web?.defaultNetwork, true);
  t.same([db?.mode, db?.replicas, db?.endpointMode], ['global', 0, 'dnsrr']);
  t.equal(cache?.defaultNetwork, false);
  t.same(
    stack.networks.map((n) => [n.name, n.implicit, n.driver]),
    [
      ['back', false, 'overlay'],
      ['default', true, 'overlay'],
    ],
    'services without networks are on the implicit default overlay',
  );
  t.end();
});

t.test('networks: driver options, subnets, external', (t) => {
  const stack = load(
    'services:\n  a:\n    image: x\n    networks: [enc, ext]\nnetworks:\n  enc:\n    driver_opts:\n      encrypted: "false"\n      com.docker.network.driver.mtu: "1400"\n    attachable: true\n    ipam:\n      config:\n        - subnet: " 10.1.0.0/24 "\n  ext:\n    external: true\n',
  );
  const [enc, ext] = stack.networks;
  t.same(
    [enc?.encrypted, enc?.mtu, enc?.attachable, enc?.subnets.map((s) => s.cidr)],
    [true, 1400, true, ['10.1.0.0/24']],
    'encryption is on when the option is present at all',
  );
  t.same([ext?.external, ext?.driver], [true, ''], 'the driver of an external network is unknown');
  t.end();
});

t.test('plugin entry: loadStackText checks depth and strips a BOM', (t) => {
  t.equal(loadStackText('\uFEFFservices:\n  a:\n    image: x\n', 'a.yml').services[0]?.name, 'a');
  t.throws(() => loadStackText(`a: ${'['.repeat(300)}`, 'a.yml'), LoadError);
  t.end();
});

t.test('positions: LineIndex and JSON pointers', (t) => {
  const lines = new LineIndex('a\r\nb\rc\nd');
  t.same(
    [lines.position(0), lines.position(3), lines.position(5), lines.position(7)],
    [
      { line: 1, column: 0 },
      { line: 2, column: 0 },
      { line: 3, column: 0 },
      { line: 4, column: 0 },
    ],
  );
  // Line feeds only (found by indexOf): the same lines as the loop gives.
  const lf = new LineIndex('a\n\nbc\nd\n');
  t.same(lf.starts, [0, 2, 3, 6, 8]);
  t.same(lf.loc(4, 7), { start: { line: 3, column: 1 }, end: { line: 4, column: 1 } });
  const root = parseYaml('a:\n  b: [1, {c: 2}]\n', 'x.yml', 0, defaultLimits).root as PValue;
  t.same(toJS(atPointer(root, '/a/b/1/c').node), 2);
  t.same(toJS(atPointer(root, '/a/missing').node), { b: [1, { c: 2 }] }, 'the deepest node that exists');
  t.equal(atPointer(root, '/a/b/9').node.kind, 'seq');
  t.equal(atPointer(root, '/a/b/0/x').node.kind, 'scalar');
  t.end();
});

t.test('a load error prints as file:line:column: message', (t) => {
  t.equal(String(new LoadError('bad thing', 'stack.yml', 3, 7)), 'stack.yml:3:7: bad thing');
  t.end();
});

t.test('a merge set whose first file has no final line break: the next file still starts on its own line', (t) => {
  const a = 'services:\n  web:\n    image: nginx:1.27';
  const b = 'services:\n  web:\n    ports:\n      - "8080:80"\n';
  const { text, infos } = joinFiles([
    { path: 'a.yml', text: a },
    { path: 'b.yml', text: b },
  ]);
  t.same(
    infos.map((f) => [f.path, f.line, f.offset]),
    [
      ['a.yml', 1, 0],
      ['b.yml', 4, a.length + 1],
    ],
  );
  t.equal(text.split('\n')[3], 'services:', 'line 4 of the joined text is the first line of b.yml');
  const port = load(a, b).services[0]?.ports[0];
  t.equal((port?.loc.start.line ?? 0) - 4 + 1, 4, 'the port points at line 4 of b.yml, where it is');
  t.end();
});

t.test('secret and config files are looked for as docker/cli resolves them: against the first file’s folder', (t) => {
  // `docker stack config -c sub/a.yml -c other/b.yml` (docker/cli 28.2.2) prints a secret of b.yml declared
  // `file: ./y.txt` as sub/y.txt: every file of the set is relative to the first one's folder.
  const dir = t.testdir({ sub: { 'y.txt': 'x', folder: {} }, other: { 'z.txt': 'x' } });
  const a = { path: `${dir}/sub/a.yml`, text: 'services:\n  web:\n    image: nginx\n' };
  const b = {
    path: `${dir}/other/b.yml`,
    text: 'secrets:\n  y:\n    file: ./y.txt\n  z:\n    file: ./z.txt\n  e:\n    external: true\n    file: ./nope\nconfigs:\n  f:\n    file: folder\n',
  };
  const { stack } = loadStack([a, b]);
  t.same(
    (stack.fileObjects ?? []).map((f) => [f.kind, f.name, f.problem ?? 'ok']),
    [
      ['secret', 'y', 'ok'],
      ['secret', 'z', 'missing'],
      ['config', 'f', 'folder'],
    ],
  );
  const redefined = loadStack([
    { path: `${dir}/sub/c.yml`, text: 'services:\n  web:\n    image: nginx\nsecrets:\n  z:\n    file: ./z.txt\n' },
    { path: `${dir}/sub/d.yml`, text: 'secrets:\n  z:\n    external: true\n' },
  ]).stack;
  t.same(redefined.fileObjects, [], 'a later file that makes the secret external replaces the file-based one (mergo WithOverride)');
  t.end();
});

t.test('floats, base 60 and timestamps: yaml.v2 (docker ≤ 27) against yaml.v3 (docker ≥ 28)', (t) => {
  // v3 is checked against docker 28.2.2 by the differential test (test/cli/differential.ts). v2 is modelled on the
  // sources, since no docker 27 client is at hand: go-yaml v2 resolve.go ("Base 60 floats … are purposefully
  // unsupported", so `80:80` stays the text "80:80", not 4880 as in PyYAML); decode.go (a timestamp decoded
  // into interface{} is kept as its text "for backward compatibility"); docker/cli v27.5.1 (go-yaml v2.4.0)
  // cli/compose/loader/loader.go toServicePortConfigs's switch ("invalid type %T for port" for a float64).
  const read = (text: string, dialect: YamlDialect) => loadStack([{ path: '/tmp/x.yml', text }], { dialect }).stack;
  const ids = (s: Stack): string[] => s.diagnostics.map((d) => `${d.rule}/${d.messageId}`);
  const port = (v: string): string => `services:\n  web:\n    image: nginx\n    ports:\n      - ${v}\n`;
  for (const dialect of ['v2', 'v3'] as const) {
    const s = read(port('80:80'), dialect);
    t.same(ids(s), [], `${dialect}: 80:80 is a port spec`);
    t.same(
      s.services[0]?.ports.map((p) => [p.published, p.target]),
      [[80, 80]],
      `${dialect}: published 80, target 80 (never 4880)`,
    );
    for (const float of ['1.5', '80.0', '1e2'])
      t.match(
        read(port(float), dialect).diagnostics[0]?.data.problem,
        /is a float, which docker cannot decode as a port/,
        `${dialect}: ${float} is a float64 docker refuses`,
      );
    t.match(read(port('1:30:00'), dialect).diagnostics[0]?.data.problem, /is not a valid port/, `${dialect}: 1:30:00 is text, and no port`);
  }
  const date = 'services:\n  web:\n    image: 2001-12-14\n';
  t.same(ids(read(date, 'v2')), [], 'v2: a date is kept as text, a valid image name');
  t.match(read(date, 'v3').diagnostics[0]?.data.problem, /is read as a timestamp by docker 28/, 'v3: a time.Time, refused');
  const env = 'services:\n  web:\n    image: nginx\n    environment:\n      A: 2001-12-14\n    labels: {b: 2001-12-14 21:59:43.10}\n';
  t.same(ids(read(env, 'v2')), [], 'v2: environment and labels keep the text');
  t.same(
    read(env, 'v3').diagnostics.map((d) => d.data.path),
    ['services.web.environment.A', 'services.web.labels.b'],
    'v3: both become Go’s rendering of a time',
  );
  t.end();
});

// What `swarmlint lint` reads: merge sets (-c, --merge), folders, quoted globs, stdin, ignores.
import t from 'tap';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join, relative } from 'node:path';
import { glob } from 'tinyglobby';
import { STACK_GLOBS, stackFilesIn } from '../../cli/inputs.js';
import { swarmlint, swarmlintInProcess, TWO_PROBLEMS } from '../helpers/cli.js';

// Standard input through a pipe to the built CLI in a child process (a stack, and one over the limit, which the CLI
// stops reading); the other cases in this process (the same main, its input given). A hang limit, not a speed bound.
t.setTimeout(600_000);

interface Json {
  findings: { ruleId: string; file?: string; line?: number; message: string }[];
  errors: { kind: string; message: string; file?: string; line?: number }[];
  summary: { files: number };
}
const json = (stdout: string): Json => JSON.parse(stdout) as Json;

// base.yml publishes the port (line 6); prod.yml sets dnsrr (line 6) and container_name (line 4).
const BASE = `version: "3.8"
services:
  web:
    image: nginx:1.27
    ports:
      - "80:80"
`;
const PROD = `version: "3.8"
services:
  web:
    container_name: prod-web
    deploy:
      endpoint_mode: dnsrr
`;
const CONFIG = 'extends: none\nrules:\n  dnsrr-ingress-port: error\n  swarm-ignored-key: warning\n';

t.test('-c a.yml -c b.yml: one stack, findings at the file and line each value came from', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG, 'base.yml': BASE, 'prod.yml': PROD });
  const r = await swarmlintInProcess(['lint', '-f', 'json', '-c', 'base.yml', '-c', 'prod.yml'], { cwd });
  t.equal(r.code, 1);
  const out = json(r.stdout);
  t.same(
    out.findings.map((f) => [f.ruleId, f.file, f.line]),
    [
      ['dnsrr-ingress-port', 'base.yml', 6],
      ['swarm-ignored-key', 'prod.yml', 4],
    ],
    'the port from base.yml, the ignored key from prod.yml',
  );
  t.equal(out.summary.files, 2);
  const alone = await swarmlintInProcess(['lint', '-f', 'json', 'base.yml', 'prod.yml'], { cwd });
  t.same(
    json(alone.stdout).findings.map((f) => f.ruleId),
    ['swarm-ignored-key'],
    'as two stacks of their own, dnsrr and the port never meet',
  );
  const merged = await swarmlintInProcess(['lint', '-f', 'json', '--merge', 'base.yml,prod.yml', '--merge', 'prod.yml'], { cwd });
  t.same(
    json(merged.stdout).findings.map((f) => [f.ruleId, f.file, f.line]),
    [
      ['dnsrr-ingress-port', 'base.yml', 6],
      ['swarm-ignored-key', 'prod.yml', 4],
    ],
    '--merge a,b is a merge set; each --merge another (the finding in prod.yml, which both hold, once)',
  );
  const absolute = await swarmlintInProcess(['lint', '-f', 'json', '-c', join(cwd, 'base.yml'), '-c', 'prod.yml'], { cwd });
  t.equal(json(absolute.stdout).findings.length, 2, 'an absolute path in a merge set');
  const broken = await swarmlintInProcess(['lint', '-c', 'base.yml', '-c', 'missing.yml'], { cwd });
  t.equal(broken.code, 2, 'a missing file of a merge set: exit 2');
  t.match(broken.stdout, /^missing\.yml: error: no such file or folder$/m);
  const folder = await swarmlintInProcess(['lint', '-c', '.'], { cwd });
  t.equal(folder.code, 2, 'a folder in a merge set: exit 2');
  t.match(folder.stdout, /^\.: error: a folder, not a stack file \(-c and --merge take files\)$/m);
});

t.test('folders and quoted globs: each file a stack; node_modules and .git skipped', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': CONFIG,
    deploy: {
      'docker-stack.yml': TWO_PROBLEMS,
      'api-stack.yaml': TWO_PROBLEMS,
      'compose.yml': TWO_PROBLEMS,
      'notes.yml': TWO_PROBLEMS,
      prod: { 'web-swarm.yml': TWO_PROBLEMS },
      node_modules: { 'x-stack.yml': TWO_PROBLEMS },
    },
    empty: { 'README.md': 'nothing here' },
  });
  const dir = await swarmlintInProcess(['lint', '-f', 'json', 'deploy'], { cwd });
  const files = [...new Set(json(dir.stdout).findings.map((f) => f.file))].sort();
  t.same(
    files,
    ['deploy/api-stack.yaml', 'deploy/compose.yml', 'deploy/docker-stack.yml', 'deploy/prod/web-swarm.yml'],
    'stack file names, recursively',
  );
  const glob = await swarmlintInProcess(['lint', '-f', 'json', 'deploy/**/*-swarm.yml', 'deploy/notes.yml'], { cwd });
  t.same(
    [...new Set(json(glob.stdout).findings.map((f) => f.file))].sort(),
    ['deploy/notes.yml', 'deploy/prod/web-swarm.yml'],
    'a quoted glob and a file named outright (whatever its name)',
  );
  const here = await swarmlintInProcess(['lint', '-f', 'json', '.'], { cwd: join(cwd, 'deploy') });
  t.same(
    [...new Set(json(here.stdout).findings.map((f) => f.file))].sort(),
    ['api-stack.yaml', 'compose.yml', 'docker-stack.yml', 'prod/web-swarm.yml'],
    'the working folder itself',
  );
  const none = await swarmlintInProcess(['lint', 'empty', 'deploy/*.json'], { cwd });
  t.equal(none.code, 2);
  t.match(none.stdout, /^empty: error: no stack files in this folder \(looked for /m);
  t.match(none.stdout, /^deploy\/\*\.json: error: no files match deploy\/\*\.json$/m);
});

t.test('a folder read without tinyglobby finds what tinyglobby finds, or leaves it to tinyglobby', async (t) => {
  const names = [
    'docker-stack.yml',
    'stack.yml',
    'stack.yaml',
    'Stack.yml',
    'docker-stack.YML',
    'my.stack.yml.yml',
    'stack.yml.bak',
    '.docker-stack.yml',
    'swarm.yaml',
    'a-swarm-b.yml',
    'docker-compose.yml',
    'docker-compose.override.yaml',
    'compose.yml',
    'compose-dev.yml',
    'mycompose.yml',
    'xdocker-compose.yml',
    'compose.json',
    'stack',
    'a b-stack.yml',
    'é-stack.yml',
    'notes.md',
    'swarmlint.config.yml',
  ];
  const files = Object.fromEntries(names.map((n) => [n, 'x']));
  const root = t.testdir({
    cwd: { 'here-stack.yml': 'x', a: { b: {} } },
    deploy: {
      ...files,
      prod: { ...files, deeper: { ...files }, 'dir-stack.yml': { 'inner.yml': 'x', '.dot.yml': 'x', below: { ...files } } },
      '.hidden': { ...files },
      '.git': { 'docker-stack.yml': 'x' },
    },
  });
  const folder = join(root, 'deploy');
  const tiny = async (cwd: string): Promise<string[]> =>
    (
      await glob(
        STACK_GLOBS.map((g) => `${relative(cwd, folder) || '.'}/${g}`),
        { cwd, absolute: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'] },
      )
    ).sort();
  for (const cwd of [folder, root, join(root, 'cwd'), join(root, 'cwd', 'a', 'b')]) {
    const expected = await tiny(cwd);
    t.ok(expected.length > 20, `tinyglobby finds files (cwd ${relative(root, cwd) || '.'})`);
    t.same(stackFilesIn(folder, cwd)?.sort(), expected, `the same files (cwd ${relative(root, cwd) || '.'})`);
  }
  t.equal(stackFilesIn(folder, join(folder, 'prod')), undefined, 'a folder above the working folder: tinyglobby');
  mkdirSync(join(folder, 'prod', 'node_modules'));
  t.equal(stackFilesIn(folder, root), undefined, 'a node_modules folder inside: tinyglobby');
  symlinkSync(folder, join(root, 'link'));
  t.equal(stackFilesIn(join(root, 'link'), root), undefined, 'a folder reached through a link: tinyglobby');
  t.equal(stackFilesIn(join(folder, '.hidden'), root), undefined, 'a dot folder on the way: tinyglobby');
  symlinkSync(join(root, 'cwd'), join(root, 'cwd', 'loop'));
  t.equal(stackFilesIn(join(root, 'cwd'), root), undefined, 'a link inside: tinyglobby');
});

t.test('ignores in the config', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': `${CONFIG}ignores: ["legacy/**", "deploy/old-stack.yml"]\n`,
    deploy: { 'docker-stack.yml': TWO_PROBLEMS, 'old-stack.yml': TWO_PROBLEMS },
    legacy: { 'docker-stack.yml': TWO_PROBLEMS },
  });
  const r = await swarmlintInProcess(['lint', '-f', 'json', 'deploy', 'legacy', 'deploy/old-stack.yml'], { cwd });
  t.equal(r.code, 2);
  const out = json(r.stdout);
  t.same([...new Set(out.findings.map((f) => f.file))], ['deploy/docker-stack.yml'], 'ignored files are not linted');
  t.same(
    out.errors.map((e) => [e.file, e.message]),
    [
      ['legacy', 'every stack file in this folder is ignored (`ignores` in the config)'],
      ['deploy/old-stack.yml', 'this file is ignored (`ignores` in the config)'],
    ],
    'naming only ignored files is an error, not a silent pass',
  );
  const glob = await swarmlintInProcess(['lint', 'legacy/*.yml'], { cwd });
  t.match(glob.stdout, /^legacy\/\*\.yml: error: every file that matches legacy\/\*\.yml is ignored/m);
});

t.test('a file over the size limit', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG, 'big-stack.yml': `# ${'x'.repeat(5 * 1024 * 1024)}\n` });
  const r = await swarmlintInProcess(['lint', 'big-stack.yml'], { cwd });
  t.equal(r.code, 2);
  t.match(r.stdout, /^big-stack\.yml:1:1: error: file is 5\.0 MiB, over the 4\.0 MiB limit for a stack file$/m);
});

t.test('a saved audit larger than any stack file is read with the facts limit', async (t) => {
  const services = Array.from({ length: 40_000 }, (_, i) => ({
    id: `service-id-${String(i).padStart(20, '0')}`,
    name: `stack${String(i)}_web`,
    networks: ['app'],
  }));
  const facts = JSON.stringify({ format: 'swarmlint-facts/1', kind: 'audit', services, networks: [] }, null, 2);
  t.ok(facts.length > 4 * 1024 * 1024, 'over the stack-file limit');
  const cwd = t.testdir({
    'swarmlint.config.yml': CONFIG,
    'audit.json': facts,
    'not-facts.json': `{"services": {}, "pad": "${'x'.repeat(5 * 1024 * 1024)}"}`,
  });
  const r = await swarmlintInProcess(['lint', 'audit.json'], { cwd });
  t.equal(r.code, 0, r.stdout);
  const other = await swarmlintInProcess(['lint', 'not-facts.json'], { cwd });
  t.match(
    other.stdout,
    /^not-facts\.json:1:1: error: file is 5\.0 MiB, over the 4\.0 MiB limit for a stack file$/m,
    'other JSON keeps the stack limit',
  );
});

t.test('stdin: -', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG });
  const r = await swarmlint(['lint', '-f', 'json', '-'], { cwd, input: TWO_PROBLEMS });
  t.equal(r.code, 1);
  t.same(
    json(r.stdout).findings.map((f) => [f.ruleId, f.file, f.line]),
    [
      ['swarm-ignored-key', '<stdin>', 5],
      ['dnsrr-ingress-port', '<stdin>', 7],
    ],
  );
  const empty = await swarmlintInProcess(['lint', '-'], { cwd, input: '' });
  t.equal(empty.code, 2, 'an empty stdin is not a stack');
  t.match(empty.stdout, /^<stdin>:1:1: error: the file is empty/);
  const big = await swarmlint(['lint', '-'], { cwd, input: `# ${'x'.repeat(5 * 1024 * 1024)}\n` });
  t.equal(big.code, 2, 'more than the limit: exit 2');
  t.match(big.stdout, /^<stdin>:1:1: error: more than 4\.0 MiB on standard input, over the limit for a stack file$/m);
});

t.test('a merge set with stdin', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': CONFIG, 'base.yml': BASE });
  const r = await swarmlintInProcess(['lint', '-f', 'json', '-c', 'base.yml', '-c', '-'], { cwd, input: PROD });
  t.same(
    json(r.stdout)
      .findings.map((f) => [f.ruleId, f.file, f.line])
      .sort(),
    [
      ['dnsrr-ingress-port', 'base.yml', 6],
      ['swarm-ignored-key', '<stdin>', 4],
    ],
    'findings point into the file and into stdin',
  );
});

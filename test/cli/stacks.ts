// Several files in one run: a file given twice is linted once, an override found in a folder is not linted
// alone, the config's `stacks:` are merged and linted by name on one swarm, and a port two stacks publish is a
// conflict only when they go to one swarm, reported once.
import t from 'tap';
import { swarmlintInProcess } from '../helpers/cli.js';
import { planStacks } from '../../cli/inputs.js';

t.setTimeout(300_000);

const BASE = 'services:\n  web:\n    image: nginx:1.27\n    ports: ["80:80"]\n';
const OVERRIDE = 'services:\n  web:\n    deploy:\n      replicas: 3\n';
const EDGE = 'services:\n  proxy:\n    image: traefik:3\n    ports: ["80:80"]\n';

interface Json {
  findings: { ruleId: string; messageId?: string; file?: string; logical: { kind: string; name: string }[] }[];
  summary: { files: number };
}
const json = (stdout: string): Json => JSON.parse(stdout) as Json;

t.test('the same file given twice (its folder, ./a and a, overlapping globs) is linted once', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': 'extends: none\nrules:\n  swarm-ignored-key: warning\n',
    'docker-stack.yml': 'services:\n  web:\n    image: nginx:1.27\n    container_name: web\n',
  });
  const r = await swarmlintInProcess(['lint', '-f', 'json', 'docker-stack.yml', '.', './docker-stack.yml', '*stack.yml', 'docker-*.yml'], {
    cwd,
  });
  const out = json(r.stdout);
  t.equal(out.summary.files, 1, 'one file');
  t.equal(out.findings.length, 1, 'its finding once');
  t.equal(r.stderr, '');
});

t.test('an override found in a folder is not linted alone (a note says so); named, it is', async (t) => {
  const cwd = t.testdir({ 'docker-stack.yml': BASE, 'docker-stack.prod.yml': OVERRIDE, 'other-stack.yml': EDGE });
  const r = await swarmlintInProcess(['lint', '-f', 'json', '.', '*.yml'], { cwd });
  t.equal(
    r.stderr,
    'swarmlint: note: docker-stack.prod.yml: not linted alone: an override of docker-stack.yml (no `image` in it); name it, merge it (-c docker-stack.yml -c docker-stack.prod.yml), or declare the pair under `stacks:` in the config\n',
    'one note, though two inputs found it',
  );
  t.equal(json(r.stdout).summary.files, 2, 'the base and the other stack');
  t.equal(r.code, 0, 'no port conflict between two stacks not said to share a swarm');
  const named = await swarmlintInProcess(['lint', '-f', 'json', 'docker-stack.prod.yml'], { cwd });
  t.equal(named.stderr, '');
  t.equal(json(named.stdout).summary.files, 1, 'named, the override is linted');
  const merged = await swarmlintInProcess(['lint', '-f', 'json', '-c', 'docker-stack.yml', '-c', 'docker-stack.prod.yml'], { cwd });
  t.equal(json(merged.stdout).summary.files, 2, 'merged, both files are the stack');
  t.equal(merged.stderr, '');
});

t.test('a file with an image, or without a base beside it, is no override', async (t) => {
  const cwd = t.testdir({ 'a.prod.yml': OVERRIDE, 'docker-stack.yml': BASE, 'docker-stack.dev.yml': EDGE });
  const r = await swarmlintInProcess(['lint', '-f', 'json', '--rule', 'schema:off', '*.yml'], { cwd });
  t.equal(r.stderr, '');
  t.equal(json(r.stdout).summary.files, 3);
});

t.test('config stacks: merged, linted under their names, on one swarm; a conflict is reported once', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml':
      'stacks:\n  - name: shop\n    files: [docker-stack.yml, docker-stack.prod.yml]\n  - name: edge\n    files: [edge/docker-stack.yml]\n',
    'docker-stack.yml': BASE,
    'docker-stack.prod.yml': OVERRIDE,
    edge: { 'docker-stack.yml': EDGE },
    'lone-stack.yml': EDGE.replace('proxy', 'lone'),
  });
  const all = await swarmlintInProcess(['lint', '-f', 'json'], { cwd });
  t.notMatch(all.stderr, /note/, 'no note: the override is declared');
  const out = json(all.stdout);
  t.equal(out.summary.files, 3, 'without files: every declared stack, the override merged into shop');
  const conflicts = out.findings.filter((f) => f.ruleId === 'published-port-conflict');
  t.same(
    conflicts.map((f) => [f.messageId, f.file?.replace(`${cwd}/`, ''), f.logical[0]]),
    [['conflictInRun', 'edge/docker-stack.yml', { kind: 'stack', name: 'edge' }]],
    'one finding, on the later stack, named as declared',
  );
  t.equal(all.code, 1);

  const folder = await swarmlintInProcess(['lint', '-f', 'json', '.'], { cwd });
  const f = json(folder.stdout);
  t.equal(f.summary.files, 4, 'a folder: its files of declared stacks as those stacks, the others alone');
  t.equal(folder.stderr, '', 'the override is part of a declared stack: no note');
  t.same(
    f.findings.filter((x) => x.ruleId === 'published-port-conflict').map((x) => x.file?.replace(`${cwd}/`, '')),
    ['edge/docker-stack.yml'],
    'lone-stack.yml is not declared: it shares no swarm with them',
  );
  const same = await swarmlintInProcess(['lint', '-f', 'json', '--same-swarm', '.'], { cwd });
  t.same(
    json(same.stdout)
      .findings.filter((x) => x.ruleId === 'published-port-conflict')
      .map((x) => x.file?.replace(`${cwd}/`, '')),
    ['edge/docker-stack.yml', 'lone-stack.yml'],
    '--same-swarm: every stack of the run, each conflict once',
  );
});

t.test('config stacks: a name given twice and a bad shape are config errors', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': 'stacks:\n  - name: a\n    files: [x.yml]\n  - name: a\n    files: [y.yml]\n',
    'x.yml': BASE,
  });
  const r = await swarmlintInProcess(['lint', 'x.yml'], { cwd });
  t.equal(r.code, 2);
  t.match(r.stderr, /swarmlint\.config\.yml:4:\d+: `stacks`: the stack name "a" is given twice/);
  const bad = t.testdir({ 'swarmlint.config.yml': 'stacks:\n  - name: a b\n    files: []\n', 'x.yml': BASE });
  const b = await swarmlintInProcess(['lint', 'x.yml'], { cwd: bad });
  t.equal(b.code, 2);
  t.match(b.stderr, /stacks/);
});

t.test('planStacks: symlinks and merge sets are deduplicated by the file they name', (t) => {
  const dir = t.testdir({ 'a.yml': BASE, 'b.yml': EDGE, link: t.fixture('symlink', 'a.yml') });
  const p = (n: string): string => `${dir}/${n}`;
  const plan = planStacks(
    [[p('a.yml')], [p('link')], [p('a.yml'), p('b.yml')], [p('link'), p('b.yml')], [p('b.yml'), p('a.yml')]],
    new Set(),
    [],
    () => undefined,
  );
  t.same(
    plan.stacks.map((s) => s.files.map((f) => f.slice(dir.length + 1))),
    [['a.yml'], ['a.yml', 'b.yml'], ['b.yml', 'a.yml']],
    'a merge set in another order is another stack',
  );
  t.end();
});

t.test('a declared stack is merged as -c a -c b merges it (--print-stack)', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': 'stacks:\n  - name: shop\n    files: [docker-stack.yml, docker-stack.prod.yml]\n',
    'docker-stack.yml': BASE,
    'docker-stack.prod.yml': `${OVERRIDE}    ports: ["443:443"]\n`,
  });
  const declared = await swarmlintInProcess(['lint', '--print-stack'], { cwd });
  const flags = await swarmlintInProcess(['lint', '--print-stack', '-c', 'docker-stack.yml', '-c', 'docker-stack.prod.yml'], { cwd });
  t.equal(declared.code, 0);
  t.match(declared.stdout, /replicas: 3[\s\S]*published: 80[\s\S]*published: 443/);
  t.equal(declared.stdout, flags.stdout);
});

t.test('a file in two stacks of the run (alone and merged): its findings once, the file counted once', async (t) => {
  const cwd = t.testdir({
    'docker-stack.yml': 'services:\n  web:\n    image: nginx:1.27\n    container_name: web\n',
    'docker-stack.prod.yml': OVERRIDE,
  });
  const r = await swarmlintInProcess(['lint', '-f', 'json', 'docker-stack.yml', '-c', 'docker-stack.yml', '-c', 'docker-stack.prod.yml'], {
    cwd,
  });
  const out = json(r.stdout);
  t.same(
    out.findings.map((f) => f.ruleId),
    ['swarm-ignored-key'],
    'container_name, once',
  );
  t.equal(out.summary.files, 2);
});

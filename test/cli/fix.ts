// --fix and --fix-dry-run through the CLI: files rewritten (BOM and CRLF kept) and linted again, or left alone.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { swarmlintInProcess } from '../helpers/cli.js';

// In this process (the same main as the binary's; the example plugin is TypeScript, which this process loads). A
// hang limit, not a speed bound.
t.setTimeout(600_000);

const EXAMPLE = fileURLToPath(new URL('../../fixtures/plugins/example/index.ts', import.meta.url));
const BOM = '\uFEFF';

// Two images without a tag (example/explicit-image-tag, fixable), one quoted (reported, not fixable), and an
// error no fix removes (dnsrr-ingress-port).
const STACK = [
  'services:',
  '  web:',
  '    image: nginx',
  '  api:',
  '    image: registry.example/api # no tag yet',
  '  db:',
  '    image: "postgres"',
  '    ports: ["5432:5432"]',
  '    deploy:',
  '      endpoint_mode: dnsrr',
  '',
].join('\r\n');

const config = `extends: none\nplugins:\n  example: ${EXAMPLE}\nrules:\n  example/explicit-image-tag: warning\n  dnsrr-ingress-port: error\n`;

t.test('--fix rewrites the file, keeps its BOM and CRLF, and reports what is left', async (t) => {
  const cwd = t.testdir({
    'swarmlint.config.yml': config,
    'docker-stack.yml': BOM + STACK,
    'untouched-stack.yml': 'services:\n  x:\n    image: a:1\n',
  });
  const r = await swarmlintInProcess(['lint', '--fix', '-f', 'json', 'docker-stack.yml', 'untouched-stack.yml'], { cwd, typescript: true });
  t.equal(r.stderr, 'swarmlint: fixed 2 problems in 1 file\n');
  const text = readFileSync(join(cwd, 'docker-stack.yml'), 'utf8');
  t.equal(text, BOM + STACK.replace('image: nginx', 'image: nginx:latest').replace('api # no', 'api:latest # no'), 'fixed in place');
  t.ok(text.startsWith(BOM), 'the byte-order mark is kept');
  t.equal(text.split('\r\n').length, STACK.split('\r\n').length, 'every line still ends in CRLF');
  t.notOk(/[^\r]\n/.test(text), 'no bare LF');
  const out = JSON.parse(r.stdout) as { findings: { ruleId: string; line: number; fix?: unknown }[] };
  t.same(
    out.findings.map((f) => [f.ruleId, f.line, Boolean(f.fix)]),
    [
      ['example/explicit-image-tag', 7, false],
      ['dnsrr-ingress-port', 8, false],
    ],
    'linted again after the fix: only what no fix removes',
  );
  t.equal(r.code, 1, 'the exit code is that of the fixed files');
  t.equal(
    readFileSync(join(cwd, 'untouched-stack.yml'), 'utf8'),
    'services:\n  x:\n    image: a:1\n',
    'a file without fixes is not rewritten',
  );
  const again = await swarmlintInProcess(['lint', '--fix', 'docker-stack.yml'], { cwd, typescript: true });
  t.equal(again.stderr, '', 'nothing left to fix: nothing said');
  t.equal(readFileSync(join(cwd, 'docker-stack.yml'), 'utf8'), text, 'and nothing changed');
});

t.test('--fix-dry-run changes nothing: it reports the file on disk and prints the diff --fix would apply', async (t) => {
  const cwd = t.testdir({ 'swarmlint.config.yml': config, 'docker-stack.yml': STACK });
  const r = await swarmlintInProcess(['lint', '--fix-dry-run', 'docker-stack.yml'], { cwd, typescript: true });
  t.equal(
    r.stderr,
    [
      'swarmlint: would fix 2 problems in 1 file',
      '--- a/docker-stack.yml',
      '+++ b/docker-stack.yml',
      '@@ -1,8 +1,8 @@',
      ' services:',
      '   web:',
      '-    image: nginx',
      '+    image: nginx:latest',
      '   api:',
      '-    image: registry.example/api # no tag yet',
      '+    image: registry.example/api:latest # no tag yet',
      '   db:',
      '     image: "postgres"',
      '     ports: ["5432:5432"]',
      '',
    ].join('\n'),
  );
  t.equal(readFileSync(join(cwd, 'docker-stack.yml'), 'utf8'), STACK, 'the file is unchanged');
  t.match(r.stdout, /3:\d+ .*explicit-image-tag/, 'the report is that of the file on disk');
  t.equal(r.code, 1);
  const both = await swarmlintInProcess(['lint', '--fix', '--fix-dry-run', 'docker-stack.yml'], { cwd, typescript: true });
  t.match(both.stderr, /^swarmlint: would fix 2 problems in 1 file\n--- a\/docker-stack.yml\n/, 'with both, the dry run wins');
  t.equal(readFileSync(join(cwd, 'docker-stack.yml'), 'utf8'), STACK);
  const json = await swarmlintInProcess(['lint', '--fix-dry-run', '-f', 'json', 'docker-stack.yml'], { cwd, typescript: true });
  t.equal(
    (JSON.parse(json.stdout) as { findings: { fix?: unknown }[] }).findings.filter((f) => f.fix).length,
    2,
    'JSON on stdout stays whole, with the fixes it would apply',
  );
  const stdin = await swarmlintInProcess(['lint', '--fix-dry-run', '-'], {
    cwd,
    input: 'services:\n  web:\n    image: nginx\n',
    typescript: true,
  });
  t.match(stdin.stderr, /^swarmlint: would fix 1 problem in 1 file\n--- a\/\S+\n/, 'a dry run reads stdin');
  const refused = await swarmlintInProcess(['lint', '--fix', '-'], { cwd, input: STACK, typescript: true });
  t.equal(refused.code, 2, '--fix cannot write stdin back');
  t.equal(refused.stderr, 'swarmlint: --fix cannot rewrite standard input (use --fix-dry-run to see what it would fix)\n');
});

t.test('prefer-long-port-syntax --fix, across a merge set', async (t) => {
  const base = 'services:\r\n  web:\r\n    image: nginx:1.27\r\n    ports:\r\n      - "8080:80" # public\r\n';
  const over = 'services:\n  api:\n    image: api:1\n    ports: ["9000:9000"]\n';
  const cwd = t.testdir({
    'swarmlint.config.yml': 'extends: none\nrules:\n  prefer-long-port-syntax: suggestion\n',
    'base.yml': base,
    'over.yml': over,
  });
  const r = await swarmlintInProcess(['lint', '--fix', '-c', 'base.yml', '-c', 'over.yml'], { cwd, typescript: true });
  t.equal(r.stderr, 'swarmlint: fixed 2 problems in 2 files\n');
  t.equal(
    readFileSync(join(cwd, 'base.yml'), 'utf8'),
    'services:\r\n  web:\r\n    image: nginx:1.27\r\n    ports:\r\n      - target: 80 # public\r\n        published: 8080\r\n        protocol: tcp\r\n        mode: ingress\r\n',
    'block item: the long syntax, lined up, comment kept, CRLF kept',
  );
  t.equal(
    readFileSync(join(cwd, 'over.yml'), 'utf8'),
    'services:\n  api:\n    image: api:1\n    ports: [{target: 9000, published: 9000, protocol: tcp, mode: ingress}]\n',
    'flow item: a flow mapping, in the second file of the set',
  );
  t.equal(r.code, 0);
  t.equal(r.stdout, '', 'nothing left');
});

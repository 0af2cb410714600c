// --format json|sarif, --output-file, colour, and secrets from --env-file kept out of every format.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { swarmlint, swarmlintInProcess, TWO_PROBLEMS } from '../helpers/cli.js';
import { errorsOf, validateFindings, validateSarif } from '../helpers/schemas.js';

// The colour of a pipe through the built CLI in a child process; the other cases in this process (the same main,
// with its own streams and environment). A hang limit, not a speed bound.
t.setTimeout(600_000);

const cwd = t.testdir({
  stacks: { 'two.yml': TWO_PROBLEMS },
  out: {},
});

t.test('--format json: valid against the schema, paths relative to cwd', async (t) => {
  const r = await swarmlintInProcess(['lint', '--format', 'json', 'stacks/two.yml'], { cwd });
  t.equal(r.code, 1);
  const out = JSON.parse(r.stdout) as { findings: { ruleId: string; file: string; line: number }[] };
  t.ok(validateFindings(out), `valid: ${errorsOf(validateFindings)}`);
  t.same(
    out.findings.map((f) => [f.ruleId, f.file, f.line]),
    [
      ['swarm-ignored-key', 'stacks/two.yml', 5],
      ['dnsrr-ingress-port', 'stacks/two.yml', 7],
    ],
  );
});

t.test('--format sarif -o FILE: valid SARIF in the file, nothing on stdout', async (t) => {
  const r = await swarmlintInProcess(['lint', '-f', 'sarif', '-o', 'out/report.sarif', 'stacks/two.yml'], { cwd });
  t.equal(r.code, 1, 'the exit code does not depend on where the report goes');
  t.equal(r.stdout, '');
  const log = JSON.parse(readFileSync(join(cwd, 'out/report.sarif'), 'utf8')) as {
    runs: { tool: { driver: { rules: { id: string; helpUri?: string; help?: unknown }[] } }; results: { ruleId: string }[] }[];
  };
  t.ok(validateSarif(log), `valid: ${errorsOf(validateSarif)}`);
  const run = log.runs[0];
  t.same(
    run?.results.map((x) => x.ruleId),
    ['swarm-ignored-key', 'dnsrr-ingress-port'],
  );
  for (const id of ['swarm-ignored-key', 'dnsrr-ingress-port']) {
    const rule = run?.tool.driver.rules.find((x) => x.id === id);
    t.ok(rule?.helpUri && rule.help, `${id}: helpUri and help`);
  }
  const bad = await swarmlintInProcess(['lint', '-f', 'json', '-o', 'stacks/two.yml/all.json', 'stacks/two.yml'], { cwd });
  t.equal(bad.code, 2, 'an output file that cannot be written (a file where its folder should be): exit 2');
  t.match(bad.stderr, /^swarmlint: --output-file \S*stacks\/two\.yml\/all\.json: (EEXIST|ENOTDIR)/);
});

t.test('colour: --color, --no-color, FORCE_COLOR, NO_COLOR; never in a file', async (t) => {
  const esc = '\x1b[';
  t.ok((await swarmlintInProcess(['lint', '--color', 'stacks/two.yml'], { cwd })).stdout.includes(esc), '--color into a pipe');
  t.notOk((await swarmlint(['lint', 'stacks/two.yml'], { cwd })).stdout.includes(esc), 'a pipe is not a terminal');
  t.ok((await swarmlintInProcess(['lint', 'stacks/two.yml'], { cwd, env: { FORCE_COLOR: '1' } })).stdout.includes(esc), 'FORCE_COLOR');
  t.notOk(
    (await swarmlintInProcess(['lint', 'stacks/two.yml'], { cwd, env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout.includes(esc),
    'NO_COLOR wins',
  );
  t.notOk(
    (await swarmlintInProcess(['lint', '--no-color', 'stacks/two.yml'], { cwd, env: { FORCE_COLOR: '1' } })).stdout.includes(esc),
    '--no-color wins',
  );
  await swarmlintInProcess(['lint', '-o', 'out/report.txt', 'stacks/two.yml'], { cwd, env: { FORCE_COLOR: '1' } });
  const file = readFileSync(join(cwd, 'out/report.txt'), 'utf8');
  t.match(file, /dnsrr-ingress-port/, 'stylish into a file');
  t.notOk(file.includes(esc), 'without colour');
});

t.test('--env-file: interpolation uses it; its values appear in no format', async (t) => {
  const secret = 'pl4nted-S3CRET-value';
  const dir = t.testdir({
    'docker-stack.yml': [
      'version: "3.8"',
      'services:',
      '  db:',
      '    image: postgres:${PG_TAG}',
      '    container_name: db',
      '    environment:',
      '      POSTGRES_PASSWORD: ${DB_PASSWORD}',
      '      DATABASE_URL: postgres://app:${DB_PASSWORD}@db:5432/app',
      '    deploy:',
      '      replicas: ${REPLICAS}',
      '      labels:',
      '        token: ${DB_PASSWORD:?the password}',
      '',
    ].join('\n'),
    '.env.ci': `PG_TAG=16\nDB_PASSWORD=${secret}\nREPLICAS=two-${secret}\n`,
  });
  const without = await swarmlintInProcess(['lint', '-f', 'json', 'docker-stack.yml'], { cwd: dir });
  const rulesOf = (text: string): string[] =>
    (JSON.parse(text) as { findings: { ruleId: string; message: string }[] }).findings.map((f) => `${f.ruleId}: ${f.message}`);
  t.ok(
    rulesOf(without.stdout).some((f) => f.startsWith('interpolation') && f.includes('DB_PASSWORD')),
    'unset: interpolation reports the variable by name',
  );
  for (const format of ['stylish', 'json', 'sarif']) {
    const r = await swarmlintInProcess(['lint', '--env-file', '.env.ci', '--format', format, '--debug', 'docker-stack.yml'], { cwd: dir });
    t.not(r.code, 2, `${format}: checked`);
    t.notOk(r.stdout.includes(secret) || r.stderr.includes(secret), `${format}: the value is not in the output`);
    if (format === 'json') {
      const found = rulesOf(r.stdout);
      t.notOk(
        found.some((f) => f.includes('DB_PASSWORD') && f.includes('not set')),
        'set: DB_PASSWORD is no longer reported unset',
      );
      t.ok(
        found.some((f) => f.startsWith('interpolation') && f.includes('replicas')),
        'REPLICAS from the env file did not become a number',
      );
    }
  }
  const missing = await swarmlintInProcess(['lint', '--env-file', 'nope.env', 'docker-stack.yml'], { cwd: dir });
  t.equal(missing.code, 2);
  t.match(missing.stderr, /^swarmlint: --env-file nope\.env: ENOENT/);
});

t.test('a value from --env-file in a port is not quoted back', async (t) => {
  const secret = 'p0rt-S3CRET';
  const dir = t.testdir({
    'docker-stack.yml': 'services:\n  web:\n    image: nginx:1.27\n    ports:\n      - "${PORT}:80"\n',
    '.env': `PORT=${secret}\n`,
  });
  const r = await swarmlintInProcess(['lint', '--env-file', '.env', 'docker-stack.yml'], { cwd: dir });
  t.match(r.stdout, /5:9 +error +`services\.web\.ports\[0\]` is not a valid port/, 'the bad port is reported');
  t.notOk(r.stdout.includes(secret), 'without its value');
});

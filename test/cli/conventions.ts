// The command-line conventions CI systems and users rely on (docs/ci.md): exit codes 0/1/2, the report on
// stdout and everything else on stderr, -o with a line on stderr when the run fails, --quiet, colour by
// NO_COLOR / FORCE_COLOR / TERM=dumb (on a real terminal, through script(1)), --stdin with --stdin-filename,
// --print-config, the nearest config per file, help and `rules --format json`.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { rules } from '../../rules/index.js';
import { childEnv, CLEAN, MAIN, ONE_WARNING, swarmlint, swarmlintInProcess, TWO_PROBLEMS } from '../helpers/cli.js';

// The exit codes and streams, and a terminal, through the built CLI in child processes; the other cases in this
// process (the same main, with its own streams). A hang limit, not a speed bound.
t.setTimeout(1_800_000);

const cwd = t.testdir({
  'two.yml': TWO_PROBLEMS,
  'clean.yml': CLEAN,
  'warn.yml': ONE_WARNING,
  'notyaml.yml': 'services:\n  web:\n    image: nginx\n  - oops\n',
  // A folder with a config of its own: its files are linted by it (the nearest config above each file).
  team: { 'swarmlint.config.json': '{ "rules": { "swarm-ignored-key": 0, "dnsrr-ingress-port": "warn" } }', 'two.yml': TWO_PROBLEMS },
});

t.test('exit codes, and what goes to stdout and stderr', async (t) => {
  t.same(await swarmlint(['lint', 'clean.yml'], { cwd }), { code: 0, stdout: '', stderr: '' }, '0: clean, silent');
  const findings = await swarmlint(['lint', 'two.yml'], { cwd });
  t.same([findings.code, findings.stderr], [1, ''], '1: findings, on stdout only');
  t.match(findings.stdout, /dnsrr-ingress-port[\s\S]*✖ 2 problems \(1 error, 1 warning\)/);
  const notChecked = await swarmlint(['lint', 'notyaml.yml'], { cwd });
  t.same([notChecked.code, notChecked.stderr], [2, ''], '2: a file not checked, reported on stdout');
  t.match(
    notChecked.stdout,
    /^notyaml\.yml:4:\d+: error: [^\n]+\n\n! 0 problems, 1 file not checked\n$/,
    'the glyph says nothing was found',
  );
  const usage = await swarmlint(['lint', '--format', 'sarf', 'two.yml'], { cwd });
  t.same([usage.code, usage.stdout], [2, ''], '2: a usage error, on stderr only');
  t.match(usage.stderr, /^swarmlint: unknown format "sarf" \(did you mean "sarif"\?\)/);
});

t.test('-o: nothing on stdout; a failing run says why on stderr', async (t) => {
  const failing = await swarmlintInProcess(['lint', '-f', 'json', '-o', 'reports/new/two.json', 'two.yml'], { cwd });
  t.same([failing.code, failing.stdout], [1, '']);
  t.match(
    failing.stderr,
    /^swarmlint: failed: 1 error, 1 warning: findings at or over --failure-threshold error; the report is in \S+reports\/new\/two\.json\n$/,
  );
  t.ok(existsSync(join(cwd, 'reports', 'new', 'two.json')), 'its folder was created');
  t.same(
    await swarmlintInProcess(['lint', '-o', 'reports/clean.txt', 'clean.yml'], { cwd }),
    { code: 0, stdout: '', stderr: '' },
    'passing: silent',
  );
  const warnings = await swarmlintInProcess(['lint', '--max-warnings', '0', '-o', 'reports/warn.txt', 'warn.yml'], { cwd });
  t.match(warnings, { code: 1, stdout: '', stderr: /: 1 warning: more than --max-warnings 0 warnings; the report is in / });
});

t.test('--quiet: errors only; the exit code counts everything, and says so', async (t) => {
  const quiet = await swarmlintInProcess(['lint', '--quiet', 'two.yml'], { cwd });
  t.equal(quiet.code, 1);
  t.match(quiet.stdout, /7:9 +error/);
  t.notMatch(quiet.stdout, /warning/, 'the warning is not shown');
  t.match(
    quiet.stderr,
    /^swarmlint: failed: 1 error, 1 warning: findings at or over --failure-threshold error \(--quiet shows errors only\)\n$/,
  );
  const hidden = await swarmlintInProcess(['lint', '-q', '--max-warnings', '0', 'warn.yml'], { cwd });
  t.same([hidden.code, hidden.stdout], [1, ''], 'failing for a hidden warning');
  t.match(hidden.stderr, /more than --max-warnings 0 warnings \(--quiet shows errors only\)/);
  t.same(await swarmlintInProcess(['lint', '-q', 'warn.yml'], { cwd }), { code: 0, stdout: '', stderr: '' }, 'a warning alone: silent');
});

// script(1) (util-linux) gives the CLI a pseudo-terminal, so the terminal default is what is tested.
const hasScript = spawnSync('script', ['--version']).status === 0;
t.test(
  'colour on a terminal: NO_COLOR, FORCE_COLOR, TERM=dumb, --no-color',
  { skip: hasScript ? false : 'script(1) is not installed' },
  (t) => {
    const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, '--', MAIN, 'lint', 'two.yml'].map(quote).join(' ');
    const onTty = (env: Record<string, string | undefined>, extra = ''): boolean => {
      const e = childEnv({ TERM: 'xterm', ...env });
      const r = spawnSync('script', ['-qec', `${command}${extra}`, '/dev/null'], { cwd, env: e, encoding: 'utf8' });
      t.match(r.stdout, /dnsrr-ingress-port/, 'the report was written');
      return r.stdout.includes('\x1b[');
    };
    t.ok(onTty({}), 'a terminal: colour');
    t.notOk(onTty({ NO_COLOR: '1' }), 'NO_COLOR');
    t.end();
  },
);

t.test('colour on a terminal, the other settings (in this process, its standard output a terminal)', async (t) => {
  const onTty = async (env: Record<string, string | undefined>, extra: string[] = []): Promise<boolean> => {
    const r = await swarmlintInProcess(['lint', 'two.yml', ...extra], { cwd, env: { TERM: 'xterm', ...env }, terminal: true });
    t.match(r.stdout, /dnsrr-ingress-port/, 'the report was written');
    return r.stdout.includes('\x1b[');
  };
  t.ok(await onTty({}), 'a terminal: colour');
  t.notOk(await onTty({ NO_COLOR: '1' }), 'NO_COLOR');
  t.ok(await onTty({ NO_COLOR: '' }), 'an empty NO_COLOR is not set');
  t.notOk(await onTty({ TERM: 'dumb' }), 'TERM=dumb');
  t.ok(await onTty({ TERM: 'dumb', FORCE_COLOR: '1' }), 'FORCE_COLOR over TERM=dumb');
  t.notOk(await onTty({}, ['--no-color']), '--no-color');
});

t.test('--stdin and --stdin-filename; the nearest config per file; --print-config', async (t) => {
  const stdin = await swarmlintInProcess(['lint', '--stdin', '--stdin-filename', 'deploy/web.yml', '-f', 'json'], {
    cwd,
    input: TWO_PROBLEMS,
  });
  t.equal(stdin.code, 1);
  t.match(
    JSON.parse(stdin.stdout),
    {
      findings: [
        { file: 'deploy/web.yml', line: 5 },
        { file: 'deploy/web.yml', line: 7 },
      ],
    },
    'reported under the name given',
  );
  const asTeam = await swarmlintInProcess(['lint', '--stdin', '--stdin-filename', 'team/x.yml', '-f', 'json'], {
    cwd,
    input: TWO_PROBLEMS,
  });
  t.match(
    JSON.parse(asTeam.stdout),
    { findings: [{ ruleId: 'dnsrr-ingress-port', severity: 'warning' }] },
    "and linted by that folder's config",
  );
  t.equal(asTeam.code, 0);
  const both = await swarmlintInProcess(['lint', '--stdin', 'two.yml'], { cwd });
  t.match(both, { code: 2, stdout: '', stderr: /^swarmlint: --stdin lints standard input only/ });
  const fix = await swarmlintInProcess(['lint', '--stdin', '--stdin-filename', 'two.yml', '--fix'], { cwd, input: TWO_PROBLEMS });
  t.match(fix, { code: 2, stderr: /^swarmlint: --fix cannot rewrite standard input/ }, '--fix never writes the named file');
  const name = await swarmlintInProcess(['lint', '--stdin-filename', 'x.yml', 'two.yml'], { cwd });
  t.match(name, { code: 2, stderr: /^swarmlint: --stdin-filename names standard input/ });

  const perFile = await swarmlintInProcess(['lint', '-f', 'json', 'two.yml', 'team/two.yml'], { cwd });
  const found = (JSON.parse(perFile.stdout) as { findings: { file: string; ruleId: string; severity: string }[] }).findings;
  t.same(
    found.map((f) => [f.file, f.ruleId, f.severity]),
    [
      ['team/two.yml', 'dnsrr-ingress-port', 'warning'],
      ['two.yml', 'swarm-ignored-key', 'warning'],
      ['two.yml', 'dnsrr-ingress-port', 'error'],
    ],
    'each file by its nearest config (team/ turns swarm-ignored-key off, dnsrr-ingress-port to warn)',
  );
  const printed = await swarmlintInProcess(['lint', '--print-config', 'team/two.yml'], { cwd });
  t.equal(printed.code, 0);
  const config = JSON.parse(printed.stdout) as { configFile: string; rules: Record<string, unknown>; maxWarnings: number };
  t.equal(config.configFile, join(cwd, 'team', 'swarmlint.config.json'));
  t.match(config.rules, { 'swarm-ignored-key': 'off', 'dnsrr-ingress-port': 'warning', schema: 'error' });
  t.equal(config.maxWarnings, -1);
  const top = JSON.parse((await swarmlintInProcess(['lint', '--print-config', 'two.yml'], { cwd })).stdout) as {
    configFile?: string;
    rules: object;
  };
  t.equal(top.configFile, undefined, 'no config above this one');
  t.match(top.rules, { 'swarm-ignored-key': 'warning' });
});

t.test('help and rules --format json', async (t) => {
  const json = await swarmlintInProcess(['help', 'rules', '--format', 'json'], { cwd });
  t.equal(json.code, 0);
  const listed = JSON.parse(json.stdout) as { rules: { id: string; severity: string; docsUrl: string; checks: string[] }[] };
  t.same(
    listed.rules.map((r) => r.id),
    Object.keys(rules),
  );
  for (const r of listed.rules)
    t.match(r, { severity: /^(error|warning|info|suggestion)$/, docsUrl: new RegExp(`/docs/rules/${r.id}\\.md$`) }, r.id);
  t.equal((await swarmlintInProcess(['rules', '-f', 'json'], { cwd })).stdout, json.stdout, 'rules --format json is the same');
  const lintHelp = await swarmlintInProcess(['help', 'lint'], { cwd });
  t.same([lintHelp.code, lintHelp.stdout], [0, (await swarmlintInProcess(['lint', '--help'], { cwd })).stdout]);
  t.match(await swarmlintInProcess(['help', 'lnit'], { cwd }), {
    code: 2,
    stdout: '',
    stderr: /^swarmlint: help: no such topic "lnit" \(did you mean "lint"\?\)/,
  });
  t.match(await swarmlintInProcess(['rules', '-f', 'yaml'], { cwd }), { code: 2, stderr: /unknown format "yaml"/ });
});

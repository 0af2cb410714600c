// Hostile input: every file gives findings (exit 1) or one line naming the file and position (exit 2), within
// 5 s and 500 MiB, and never a stack trace.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = fileURLToPath(new URL('../../fixtures/hostile/', import.meta.url));
// The built CLI (npm test builds it first), measured by the launcher.
const launcher = fileURLToPath(new URL('../helpers/measured-cli.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'swarmlint-hostile-'));

// Made here because they are large.
const big = join(scratch, 'fifty-megabytes.yml');
writeFileSync(big, `services:\n  web:\n    image: nginx\n    command: "${'x'.repeat(50 * 1024 * 1024)}"\n`);
const deepFlow = join(scratch, 'deep-flow.yml');
writeFileSync(deepFlow, `services: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
const deepBlock = join(scratch, 'deep-block.yml');
writeFileSync(deepBlock, `services:\n  web:\n    command:\n      ${'- '.repeat(10_000)}x\n`);

interface Case {
  file: string;
  exit: 1 | 2 | 0;
  /** For exit 2: the one line on stderr, with file:line:column. */
  error?: RegExp;
  /** For exit 1: a rule that must report. */
  rule?: string;
}
const at = (name: string): string => join(fixtures, name);
const cases: Case[] = [
  { file: at('alias-bomb.yml'), exit: 2, error: /alias-bomb\.yml:\d+:\d+: error: aliases expand to more than 100000 nodes$/ },
  { file: big, exit: 2, error: /fifty-megabytes\.yml:1:1: error: file is 50\.0 MiB, over the 4\.0 MiB limit for a stack file$/ },
  { file: at('binary.yml'), exit: 2, error: /binary\.yml:3:17: error: binary data \(a NUL byte\), not a YAML text$/ },
  { file: at('invalid-utf8.yml'), exit: 2, error: /invalid-utf8\.yml:3:16: error: invalid UTF-8$/ },
  { file: deepFlow, exit: 2, error: /deep-flow\.yml:1:\d+: error: nesting deeper than 100 levels$/ },
  { file: deepBlock, exit: 2, error: /deep-block\.yml:4:\d+: error: nesting deeper than 100 levels$/ },
  { file: at('wrong-types.yml'), exit: 1, rule: 'schema' },
  { file: at('duplicate-keys.yml'), exit: 1, rule: 'schema' },
  { file: at('empty.yml'), exit: 2, error: /empty\.yml:1:1: error: the file is empty/ },
  { file: at('comments-only.yml'), exit: 2, error: /comments-only\.yml:1:1: error: the file is empty/ },
  { file: at('scalar.yml'), exit: 2, error: /scalar\.yml:1:1: error: the top level must be a mapping/ },
  { file: at('tabs.yml'), exit: 2, error: /tabs\.yml:2:1: error: .*[Tt]ab/ },
  { file: at('stack.json'), exit: 1, rule: 'dnsrr-ingress-port' },
  { file: at('crlf-bom.yml'), exit: 0 },
];

for (const c of cases) {
  t.test(c.file.slice(c.file.lastIndexOf('/') + 1), (t) => {
    const measure = join(scratch, 'measure.json');
    const r = spawnSync(process.execPath, [launcher, 'lint', c.file], {
      encoding: 'utf8',
      env: { ...process.env, _TAPJS_PROCESSINFO_COVERAGE_: '0', SWARMLINT_MEASURE_FILE: measure, NO_COLOR: '1' },
      timeout: 30_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    t.equal(r.status, c.exit, `exit ${String(c.exit)}`);
    t.equal(r.stderr, '', 'nothing on stderr');
    t.notMatch(r.stdout, /\n\s+at |internal error/, 'no stack trace, no internal error');
    if (c.error) {
      const errors = r.stdout.split('\n').filter((l) => l.includes(': error: '));
      t.equal(errors.length, 1, 'one error line');
      t.match(errors[0], c.error);
    }
    if (c.rule) t.match(r.stdout, new RegExp(`  ${c.rule}\\n`), `${c.rule} reports`);
    const { ms, maxRssKiB } = JSON.parse(readFileSync(measure, 'utf8')) as { ms: number; maxRssKiB: number };
    t.comment(`${String(Math.round(ms))} ms, ${String(Math.round(maxRssKiB / 1024))} MiB`);
    t.ok(ms < 5000, `within 5 s (${String(Math.round(ms))} ms)`);
    t.ok(maxRssKiB < 500 * 1024, `within 500 MiB (${String(Math.round(maxRssKiB / 1024))} MiB)`);
    t.end();
  });
}

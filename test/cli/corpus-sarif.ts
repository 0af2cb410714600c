// The acceptance check on the fixtures corpus (real stack files): `swarmlint lint --format sarif` with
// every rule on exits 0 or 1, or 2 only for files that are not YAML (each named with its line); the SARIF
// validates against 2.1.0, and every rule that reports has helpUri and help, pointing at a page that exists.
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_BASE, HOMEPAGE } from '../../language/meta.js';
import { ROOT, swarmlint } from '../helpers/cli.js';
import { errorsOf, validateSarif } from '../helpers/schemas.js';

interface Log {
  runs: {
    tool: { driver: { rules: { id: string; helpUri?: string; help?: { text: string; markdown: string } }[] } };
    results: { ruleId: string; locations?: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[];
    invocations: {
      executionSuccessful: boolean;
      toolExecutionNotifications: { locations?: { physicalLocation: { region?: { startLine: number } } }[] }[];
    }[];
  }[];
}

const corpus = readdirSync(join(ROOT, 'fixtures/corpus')).filter((f) => /\.ya?ml$/.test(f));

t.test('every corpus file, every rule, SARIF', async (t) => {
  const dir = t.testdir({ 'all.yml': 'extends: all\n' });
  const r = await swarmlint(['lint', '--config', join(dir, 'all.yml'), '-f', 'sarif', 'fixtures/corpus/*.y*ml'], { cwd: ROOT });
  const log = JSON.parse(r.stdout) as Log;
  t.ok(validateSarif(log), `valid SARIF 2.1.0: ${errorsOf(validateSarif)}`);
  const run = log.runs[0];
  const notes = run?.invocations[0]?.toolExecutionNotifications ?? [];
  t.ok(notes.length < corpus.length / 4, 'most files are checked');
  for (const n of notes) t.ok(n.locations?.[0]?.physicalLocation.region?.startLine, 'a file not checked is named with its line');
  t.equal(r.code, notes.length > 0 ? 2 : r.code === 0 ? 0 : 1, `exit 2 only for files not checked (got ${String(r.code)})`);
  t.equal(run?.invocations[0]?.executionSuccessful, notes.length === 0, 'executionSuccessful says whether every file was checked');
  const files = new Set(run?.results.map((x) => x.locations?.[0]?.physicalLocation?.artifactLocation.uri));
  t.ok(files.size > corpus.length / 2, `findings in most files (${String(files.size)} of ${String(corpus.length)})`);
  const reported = new Set(run?.results.map((x) => x.ruleId));
  t.ok(reported.size > 3, `several rules report (${[...reported].join(', ')})`);
  for (const id of reported) {
    const rule = run?.tool.driver.rules.find((x) => x.id === id);
    t.ok(rule?.help?.text && rule.help.markdown, `${id}: help`);
    const uri = rule?.helpUri ?? '';
    if (uri.startsWith(DOCS_BASE)) t.ok(existsSync(join(ROOT, 'docs/rules', uri.slice(DOCS_BASE.length))), `${id}: ${uri} exists`);
    else {
      t.ok(uri.startsWith(`${HOMEPAGE}#`), `${id}: ${uri} is a README section`);
      const anchor = uri.slice(HOMEPAGE.length + 1);
      const headings = readFileSync(join(ROOT, 'README.md'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('#'))
        .map((l) =>
          l
            .replace(/^#+\s*/, '')
            .toLowerCase()
            .replace(/[^a-z0-9 -]/g, '')
            .replace(/ /g, '-'),
        );
      t.ok(headings.includes(anchor), `${id}: the README has #${anchor}`);
    }
  }
});

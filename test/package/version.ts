// One version everywhere: package.json's, the tool's (language/meta.ts), and the tag every rule documentation link
// points at (`blob/v<version>/docs/rules/<id>.md`, never `blob/main`): the rules' meta.docs.url, SARIF's helpUri
// and the text output of the built CLI; and each linked page exists in this checkout.
import t from 'tap';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCS_BASE, HOMEPAGE, TOOL_VERSION } from '../../language/meta.js';
import { rules } from '../../rules/index.js';
import { swarmlint, TWO_PROBLEMS } from '../helpers/cli.js';

const root = new URL('../../', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; homepage: string };
const pinned = `${pkg.homepage}/blob/v${pkg.version}/docs/rules/`;

t.test("the tool's version and docs base are package.json's", (t) => {
  t.equal(TOOL_VERSION, pkg.version, 'language/meta.ts TOOL_VERSION');
  t.equal(HOMEPAGE, pkg.homepage);
  t.equal(DOCS_BASE, pinned, 'rule pages at the tag of this version');
  t.end();
});

t.test('every rule links its page at the tag, and the page exists', (t) => {
  const ids = Object.keys(rules);
  t.ok(ids.length > 10, `${String(ids.length)} rules`);
  for (const [id, rule] of Object.entries(rules)) {
    t.equal(rule.meta.docs?.url, `${pinned}${id}.md`, id);
    t.ok(existsSync(join(root, 'docs/rules', `${id}.md`)), `docs/rules/${id}.md`);
  }
  t.end();
});

t.test('the built CLI prints pinned links: SARIF helpUri and the text output', async (t) => {
  const cwd = t.testdir({ 'docker-stack.yml': TWO_PROBLEMS });
  const sarif = await swarmlint(['lint', '-f', 'sarif', 'docker-stack.yml'], { cwd });
  const log = JSON.parse(sarif.stdout) as { runs: { tool: { driver: { rules: { id: string; helpUri?: string }[] } } }[] };
  const described = log.runs[0]?.tool.driver.rules ?? [];
  t.ok(described.length > 0);
  for (const rule of described) t.equal(rule.helpUri, `${pinned}${rule.id}.md`, `helpUri of ${rule.id}`);
  const text = await swarmlint(['lint', 'docker-stack.yml'], { cwd });
  const links = text.stdout.match(/https:\/\/\S+\.md/g) ?? [];
  t.ok(links.length > 0, 'the stylish output links rule pages');
  t.same(
    links.filter((l) => !l.startsWith(pinned)),
    [],
    'every one at the tag',
  );
  t.end();
});

t.test('nothing built links main', (t) => {
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|cjs|json)$/.test(entry.name) && readFileSync(path, 'utf8').includes(`${pkg.homepage}/blob/main/`))
        offenders.push(path.slice(root.length));
    }
  };
  walk(join(root, 'dist'));
  t.same(offenders, [], 'no blob/main link in dist/');
  t.end();
});

// Real stack files (fixtures/corpus, with their sources) through the loader and every rule: no crash, no
// rule failure, the same findings twice, and a YAML error named with file and line for the invalid one.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readInput } from '../cli/inputs.js';
import { isDocument, prepareDocument } from '../engine/documents.js';
import { lintDocuments, type RuleSetting } from '../engine/lint.js';
import { defaultLimits } from '../language/loader/limits.js';
import { rules } from '../rules/index.js';

const dir = fileURLToPath(new URL('../fixtures/corpus/', import.meta.url));
const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
const all: Record<string, RuleSetting> = Object.fromEntries(
  Object.entries(rules).map(([id, r]) => [id, { severity: r.meta.docs?.severity ?? 'error', options: [] }]),
);

t.ok(files.length >= 10, 'the corpus fixtures are there');
for (const file of files) {
  t.test(file, (t) => {
    const read = readInput(dir + file, defaultLimits);
    if (!('text' in read)) throw new Error(read.message);
    const doc = prepareDocument([{ path: read.path, text: read.text }]);
    if (file.startsWith('xfallme__')) {
      t.notOk(isDocument(doc), 'not valid YAML');
      if (!isDocument(doc)) t.match(doc, { kind: 'load', file: dir + file, line: 54 }, 'the error names the file and line');
      t.end();
      return;
    }
    if (!isDocument(doc)) throw new Error(`${file}: ${doc.message}`);
    const first = lintDocuments([doc], { rules: all });
    const second = lintDocuments([doc], { rules: all });
    t.same(first.errors, [], 'no rule failed');
    t.same(second.findings, first.findings, 'the same findings, in the same order');
    for (const f of first.findings)
      t.ok(f.line !== undefined && f.file === read.path, `${f.ruleId} at ${String(f.line)} has a position in the file`);
    t.end();
  });
}

// The parse floor of bench/lint-corpus: read each file named on the command line and parse it with the `yaml`
// package (the library and the YAML 1.1 options swarmlint's loader uses), nothing else. lint-corpus.ts strips
// the types from this file into plain JavaScript and times it as one node process, so no TypeScript loader is
// counted. It prints what it did, so the benchmark can check that every file was parsed.
import { readFileSync } from 'node:fs';
import { LineCounter, parseAllDocuments } from 'yaml';

const files = process.argv.slice(2);
let documents = 0;
let failed = 0;
for (const file of files) {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1', merge: true, uniqueKeys: true, lineCounter });
  documents += docs.length;
  if (docs.some((d) => d.errors.length > 0)) failed += 1;
}
process.stdout.write(`${JSON.stringify({ files: files.length, documents, failed })}\n`);

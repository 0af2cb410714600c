// Copies what the compiled code reads at run time next to it in dist/: the precompiled stack schema
// validator and the JSON schemas (config, findings, facts).
import { cpSync, mkdirSync, readdirSync, chmodSync } from 'node:fs';

const root = new URL('..', import.meta.url);
mkdirSync(new URL('dist/language/generated/', root), { recursive: true });
for (const f of readdirSync(new URL('language/generated/', root)))
  cpSync(new URL(`language/generated/${f}`, root), new URL(`dist/language/generated/${f}`, root));
mkdirSync(new URL('dist/schemas/', root), { recursive: true });
for (const f of readdirSync(new URL('schemas/', root)).filter((f) => f.endsWith('.json')))
  cpSync(new URL(`schemas/${f}`, root), new URL(`dist/schemas/${f}`, root));
chmodSync(new URL('dist/cli/main.js', root), 0o755);

// Copies what the compiled code reads at run time next to it in dist/: the precompiled stack schema
// validators. The JSON schemas are not copied: the package ships them once, in schemas/, where the code finds them
// (engine/package-file.ts).
import { chmodSync, cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url);
mkdirSync(new URL('dist/language/generated/', root), { recursive: true });
for (const f of readdirSync(new URL('language/generated/', root)))
  cpSync(new URL(`language/generated/${f}`, root), new URL(`dist/language/generated/${f}`, root));
rmSync(new URL('dist/schemas/', root), { recursive: true, force: true }); // what an older build copied
chmodSync(new URL('dist/cli/main.js', root), 0o755);

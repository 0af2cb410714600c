import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * A file the package ships beside its code (`schemas/config.schema.json`), found from the module that asks: the
 * nearest folder above `from` that holds a package.json. The same answer from the sources (`engine/x.ts`), from the
 * build (`dist/engine/x.js`), from an installed package and from the image (`/app`), so the package ships one copy
 * of each schema, at the path users name (`schemas/…`).
 */
export function packageFile(path: string, from: string = import.meta.url): URL {
  let dir = new URL('./', from);
  for (;;) {
    if (existsSync(new URL('package.json', dir))) return new URL(path, dir);
    const parent = new URL('../', dir);
    if (parent.href === dir.href) throw new Error(`${path}: no package.json in any folder above ${fileURLToPath(from)}`);
    dir = parent;
  }
}

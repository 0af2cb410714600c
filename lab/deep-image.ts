// The deep audit's probe image for the lab: `scripts/image-offline.mjs` writes it as a `docker load` archive from
// the built dist/ (no registry, no docker build); test/lab/deep-*.ts and bench/deep-audit.ts load it on every node.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Writes the probe image's archive to `archive`; throws with the script's stderr when it fails. */
export function buildDeepImage(archive: string): void {
  // env -i: no tap loaders (NODE_OPTIONS) in the build.
  const built = spawnSync(
    'env',
    ['-i', `PATH=${process.env.PATH ?? '/usr/bin:/bin'}`, process.execPath, 'scripts/image-offline.mjs', '-o', archive],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  if (built.status !== 0) throw new Error(`image-offline: ${built.stderr || String(built.error)}`);
}

// What `npm pack` would ship from this checkout, as npm lists it.
import { execFileSync } from 'node:child_process';

/** The paths `npm pack` ships from `root` (--ignore-scripts: dist/ as it is, without building it again). */
export function packedFiles(root: string): string[] {
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }),
  ) as [{ files: { path: string }[] }];
  return packed.files.map((f) => f.path);
}

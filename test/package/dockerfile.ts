// The Dockerfile (not built here: no registry, no `docker build`) says what the offline image of
// scripts/image-offline.mjs is: the same entrypoint, default command and working folder, both tags, an official
// Node LTS slim base for both stages, production dependencies only, and every source the build reads and every
// file the package ships copied in.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEEP_IMAGE, IMAGE } from '../../probes/deep/image.js';

const root = new URL('../../', import.meta.url).pathname;
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[]; engines: { node: string } };
const build = JSON.parse(readFileSync(join(root, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
const { IMAGE_CONFIG } = (await import(pathToFileURL(join(root, 'scripts/image-offline.mjs')).href)) as {
  IMAGE_CONFIG: { Entrypoint: string[]; Cmd: string[]; WorkingDir: string; Env: string[] };
};

/** The instructions, continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const named = (word: string): string[] => instructions.filter((l) => l.startsWith(`${word} `)).map((l) => l.slice(word.length + 1).trim());
const last = (word: string): string | undefined => named(word).at(-1);

t.test('runs as the offline image does', (t) => {
  t.same(JSON.parse(last('ENTRYPOINT') ?? 'null'), IMAGE_CONFIG.Entrypoint, 'ENTRYPOINT');
  t.same(JSON.parse(last('CMD') ?? 'null'), IMAGE_CONFIG.Cmd, 'CMD');
  t.equal(last('WORKDIR'), IMAGE_CONFIG.WorkingDir, 'the final WORKDIR');
  t.ok(
    IMAGE_CONFIG.Env.filter((e) => !e.startsWith('PATH=')).every((e) => named('ENV').includes(e)),
    'ENV',
  );
  t.match(dockerfile, `docker build -t ${IMAGE} -t ${DEEP_IMAGE} .`, 'the build command tags both names');
  t.end();
});

t.test('an official Node LTS slim base, production dependencies only', (t) => {
  const from = named('FROM');
  t.equal(from.length, 2, 'two stages');
  for (const f of from) t.match(f, /^node:\$\{NODE_VERSION\}-[a-z]+-slim\b/, `${f}: official node, slim`);
  const major = Number(/^NODE_VERSION=(\d+)$/.exec(named('ARG')[0] ?? '')?.[1]);
  t.ok(major % 2 === 0, `Node ${String(major)}: an LTS line (even)`);
  const minimum = Number(/(\d+)/.exec(pkg.engines.node)?.[1]);
  t.ok(major >= minimum, `Node ${String(major)} meets engines.node ${pkg.engines.node}`);
  t.match(dockerfile, /npm prune --omit=dev/, 'dev dependencies pruned');
  t.match(dockerfile, /npm pack --ignore-scripts/, 'the package as npm packs it');
  t.match(dockerfile, /find \/app -name '\*\.d\.ts' -delete/, 'no type declarations, as in the offline image');
  t.match(last('COPY') ?? '', /^--from=build \/app \/app$/, 'the final stage takes /app only');
  t.end();
});

t.test('the build stage has every source and every shipped file', (t) => {
  const copied = named('COPY')
    .filter((c) => !c.startsWith('--from'))
    .flatMap((c) => c.split(/\s+/).slice(0, -1));
  for (const source of build.include) t.ok(copied.includes(source), `COPY ${source} (tsconfig.build.json)`);
  // dist/ is what the build stage builds.
  for (const file of pkg.files.filter((f) => f !== 'dist')) t.ok(copied.includes(file), `COPY ${file} (package.json files)`);
  for (const file of ['package.json', 'package-lock.json', 'LICENSE', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'scripts'])
    t.ok(copied.includes(file), `COPY ${file}`);
  t.end();
});

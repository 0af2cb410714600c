// Several small test files in one test process (test/grouped/<group>.ts): each file costs about a second of CPU
// for Node, tap and the TypeScript loader before it tests anything (and a CLI file as much again to load the CLI's
// sources), more than most of these spend testing. Each file is imported in turn, so its top-level `t.test`s run on
// this process's root test, in order, as they do alone (`npx tap test/rules/schema.ts` still runs one file); the
// next file is imported only when they are done (a subtest `<file>: done` marks it), so that a top-level
// `t.testdir()`, which has the same name in every file of the group, is not made again under a running test. A
// failure's `at:` names the file. Every file of a group is in `.taprc`'s `exclude`, so that `npm test` runs it once;
// test/grouped/small.ts checks the two lists agree. Not for a file that changes process state (process.chdir, the
// environment), that waits long on timers, or whose time limit is less than its group's.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TEST = new URL('../', import.meta.url);

/** Each group's files, relative to test/; a folder (`rules/`) is all of its .ts files. */
export const GROUPS = {
  rules: ['rules/'],
  'language-engine': ['language/', 'engine/'],
  probes: [
    'probes/assemble.ts',
    'probes/command.ts',
    'probes/deep-mesh.ts',
    'probes/deep-orchestration.ts',
    'probes/deep-probe-system.ts',
    'probes/deep-probe.ts',
    'probes/deep-sample.ts',
    'probes/echo-protocol.ts',
    'probes/firewall-eval.ts',
    'probes/firewall-facts.ts',
    'probes/host.ts',
    'probes/iptables.ts',
    'probes/kernel.ts',
    'probes/nft.ts',
    'probes/parse-ip.ts',
    'probes/peer-report.ts',
    'probes/pmtu.ts',
    'probes/proc-net.ts',
    'probes/transport.ts',
  ],
  // The CLI run in this process (test/helpers/cli.ts's swarmlintInProcess), in two groups of about the same time.
  'cli-1': ['cli/config.ts', 'cli/conventions.ts', 'cli/exit-codes.ts', 'cli/fix.ts', 'cli/formats.ts', 'cli/inputs.ts'],
  'cli-2': [
    'cli/misc.ts',
    'cli/print-stack.ts',
    'cli/sarif-github.ts',
    'cli/stacks.ts',
    'integrations/gitlab.ts',
    'package/dockerfile.ts',
    'plugin/example.ts',
    'probes/audit-collect.ts',
    'probes/docker-hostile.ts',
  ],
  // Files that start a few children each (the built CLI, npm, bash, pre-commit): their own process costs more than
  // their tests.
  children: [
    'cli/bundle.ts',
    'cli/corpus-sarif.ts',
    'hostile/properties.ts',
    'hostile/secrets.ts',
    'integrations/action.ts',
    'integrations/pre-commit.ts',
    'package/manifest.ts',
    'package/version.ts',
    'scripts/new-rule.ts',
  ],
  small: [
    'corpus.ts',
    'dedent.ts',
    'cli/read-input.ts',
    'plugin/eslint.ts',
    'plugin/exports.ts',
    'reporters/json.ts',
    'reporters/mesh-text.ts',
    'reporters/sarif.ts',
    'reporters/stylish.ts',
  ],
} as const;

/** A group's files, relative to test/, in the order they run. */
export function members(group: keyof typeof GROUPS): string[] {
  return GROUPS[group].flatMap((entry) =>
    entry.endsWith('/')
      ? readdirSync(new URL(entry, TEST))
          .filter((f) => f.endsWith('.ts'))
          .sort()
          .map((f) => `${entry}${f}`)
      : [entry],
  );
}

/** Runs a group's files in this process, one after the other. */
export async function runGroup(group: keyof typeof GROUPS): Promise<void> {
  for (const file of members(group)) {
    await import(new URL(file, TEST).href);
    await t.test(`test/${file}: done`, (t) => {
      t.end();
    });
  }
}

/** `.taprc`'s `exclude` entries (`test/lab/**`, a file), as written. */
export function taprcExcludes(): string[] {
  const text = readFileSync(fileURLToPath(new URL('../.taprc', TEST)), 'utf8');
  const list = /^exclude:\n((?:(?: {2}- .*| {2}#.*)\n)+)/m.exec(text)?.[1] ?? '';
  return [...list.matchAll(/^ {2}- "?([^"\n]+)"?$/gm)].map((m) => m[1] ?? '');
}

// Leftovers: a run whose owner died is removed by the next run; a live run and other prefixes are left alone; a lab
// process stopped by SIGTERM or SIGINT removes its lab itself, and one killed by SIGKILL is cleaned up afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { cleanLeftovers, decide, leftovers, prerequisites, runOk, waitFor } from '../../lab/index.js';
import { claimRun, forwardRule, namesFor, processAlive, teardownSync } from '../../lab/resources.js';
import { StopWaiting } from '../../lab/wait.js';

/** A pid that no process has (a child that already exited). */
function deadPid(): number {
  return spawnSync('true').pid;
}

/** Fakes what a run leaves: folder with owner, namespace, bridge, veth, FORWARD rule (no daemon). */
async function fakeRun(runName: string, owner: 'dead' | 'self'): Promise<void> {
  const names = namesFor(runName);
  if (owner === 'self') claimRun(names);
  else {
    mkdirSync(names.dir, { recursive: true });
    writeFileSync(join(names.dir, 'owner.json'), JSON.stringify({ pid: deadPid(), start: '1' }));
  }
  await runOk('ip', ['netns', 'add', names.netns(1)]);
  await runOk('ip', ['link', 'add', names.bridge, 'type', 'bridge']);
  await runOk('ip', ['link', 'add', names.hostVeth(1), 'type', 'veth', 'peer', 'name', names.nodeVeth(1)]);
  await runOk('iptables', ['-w', '5', '-I', 'FORWARD', ...forwardRule(names)]);
}

const HOLD = join(import.meta.dirname, '..', '..', 'lab', 'hold.ts');
const LOADER = pathToFileURL(join(import.meta.dirname, '..', '..', 'scripts', 'ts-loader.mjs')).href;

/** Starts lab/hold.ts (a 1-node lab) and resolves with its process and run name once the swarm is up. */
async function holdLab(): Promise<{ pid: number; runName: string; exited: Promise<void> }> {
  const child = spawn(process.execPath, ['--import', LOADER, HOLD, '--nodes', '1', '--prefix', 'swlt'], {
    cwd: join(import.meta.dirname, '..', '..'),
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => {
    child.on('exit', () => {
      resolve();
    });
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
  const runName = await waitFor(
    'the held lab to come up',
    () => {
      const m = /^RUN (\S+)$/m.exec(out);
      if (m?.[1]) return Promise.resolve({ done: true as const, value: m[1] });
      if (child.exitCode !== null) throw new StopWaiting(`lab/hold.ts exited ${child.exitCode}: ${err}`);
      return Promise.resolve({ done: false as const, seen: err.split('\n').slice(-2).join(' ') });
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  if (child.pid === undefined) throw new Error('no pid');
  return { pid: child.pid, runName, exited };
}

async function main(): Promise<void> {
  await t.test('a dead run is removed; a live run and another prefix are left alone', async (t) => {
    const dead = 'swltdead1';
    const live = 'swltlive1';
    const other = 'swluothr1';
    await fakeRun(dead, 'dead');
    await fakeRun(live, 'self');
    await fakeRun(other, 'dead');
    try {
      t.ok(leftovers(dead).length >= 5, `the fake dead run exists: ${leftovers(dead).join('; ')}`);
      const cleaned = cleanLeftovers('swlt');
      t.same(cleaned, [dead], 'only the dead run of the prefix was cleaned');
      t.same(leftovers(dead), [], 'nothing of it is left');
      t.ok(leftovers(live).length >= 5, 'the live run is untouched');
      t.ok(leftovers(other).length >= 5, 'the other prefix is untouched');
    } finally {
      for (const run of [dead, live, other]) teardownSync(run);
    }
    t.same([...leftovers(live), ...leftovers(other)], [], 'test resources removed');
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    await t.test(`a lab process stopped by ${signal} tears its lab down`, async (t) => {
      const held = await holdLab();
      t.ok(
        leftovers(held.runName).some((l) => l.startsWith('process')),
        'its dockerd runs',
      );
      process.kill(held.pid, signal);
      await held.exited;
      t.same(leftovers(held.runName), [], 'nothing of the lab is left');
    });
  }

  await t.test('a lab process killed by SIGKILL is cleaned up by the next run', async (t) => {
    const held = await holdLab();
    process.kill(held.pid, 'SIGKILL');
    await held.exited;
    t.notOk(processAlive(held.pid), 'the owner is dead');
    t.ok(leftovers(held.runName).length > 0, `its lab is still there: ${leftovers(held.runName).length} item(s)`);
    t.ok(cleanLeftovers('swlt').includes(held.runName), 'cleanLeftovers removed it');
    t.same(leftovers(held.runName), [], 'nothing of it is left');
  });
}

const decision = decide(prerequisites());
if (!decision.run) {
  if ('fail' in decision) t.fail(decision.fail);
  else t.plan(0, decision.skip);
} else {
  await main();
}

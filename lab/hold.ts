// Brings a lab up and holds it until SIGINT/SIGTERM (then tears it down): for trying things by hand, and for the
// test that proves a signalled lab process leaves nothing behind.
//
//   node --import @tapjs/typescript/import lab/hold.ts [--nodes 3] [--managers 1] [--prefix swl]
//
// Prints "RUN <name>" once the swarm is ready; the node sockets are /var/lib/swarmlint-lab/<name>/n<i>/docker.sock.
import { parseArgs } from 'node:util';
import { up } from './lab.js';

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '3' },
    managers: { type: 'string', default: '1' },
    prefix: { type: 'string', default: 'swl' },
  },
});
const lab = await up({
  nodes: Number(values.nodes),
  managers: Number(values.managers),
  prefix: values.prefix,
  log: (line) => process.stderr.write(`${line}\n`),
});
process.stdout.write(`RUN ${lab.runName}\n`);
for (const node of lab.nodes) process.stderr.write(`node ${node.index}: DOCKER_HOST=unix://${node.socketPath} netns ${node.netns}\n`);
// Keep the event loop alive; the lab's signal handlers tear it down and exit.
setInterval(() => undefined, 60_000);

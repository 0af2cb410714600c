// What `com.docker.network.driver.mtu` means, observed on a real dockerd: the size of the encapsulated packet on
// the wire. Containers get the option minus 50 (VXLAN), and minus 26 more, rounded down to a multiple of 4, on an
// encrypted network; without the option the budget is 1500. The overlay-mtu and path-mtu rules rest on this.
import t from 'tap';
import { decide, prerequisites, up } from '../../lab/index.js';

const decision = decide(prerequisites());
if (!decision.run) {
  if ('fail' in decision) t.fail(decision.fail);
  else t.plan(0, decision.skip);
} else {
  await t.test('the overlay MTU option is the on-wire budget', async (t) => {
    const lab = await up({
      nodes: 2,
      managers: 1,
      log: (line) => {
        t.comment(line);
      },
    });
    t.teardown(() => lab.down());
    const cases = [
      { name: 'mtu-1400', options: { mtu: 1400 }, expected: 1350 },
      { name: 'mtu-default', options: {}, expected: 1450 },
      { name: 'mtu-1400-encrypted', options: { mtu: 1400, encrypted: true }, expected: 1324 },
    ];
    for (const c of cases) {
      await lab.createNetwork(c.name, { attachable: true, ...c.options });
      await lab.createService({ name: `s-${c.name}`, mode: 'global', networks: [c.name] });
    }
    for (const c of cases) {
      const [task] = await lab.waitTasks(`s-${c.name}`, 2);
      if (!task) throw new Error(`no task of s-${c.name}`);
      // Through netlink (`ip`): /sys in this mount namespace would show the host's interfaces.
      const out = await lab.inTaskNetns(task, ['ip', '-o', 'link', 'show', 'eth0']);
      t.equal(
        Number(/ mtu (\d+) /.exec(out.stdout)?.[1]),
        c.expected,
        `${c.name}: the task's overlay interface has MTU ${String(c.expected)}`,
      );
    }
  });
}

import { createRule, report, visit } from './utils/create-rule.js';
import { nameList, serviceNetworkNames } from './utils/networks.js';

/**
 * Built-in drivers whose networks are local to one host. `docker stack deploy` creates the network, then the
 * daemon refuses every service attached to it: "The network … cannot be used with services. Only networks
 * scoped to the swarm can be used, such as those created with the overlay driver." (`host`: "only one instance
 * of "host" network is allowed"). Plugins and `macvlan`/`ipvlan` (swarm-scoped with `--config-from`) are not
 * judged.
 */
const LOCAL_DRIVERS = new Set(['bridge', 'host', 'null', 'none']);

export default createRule({
  name: 'non-swarm-network-driver',
  meta: {
    type: 'problem',
    docs: {
      description:
        'A stack network that services use must have a swarm-scoped driver (`overlay`): with `bridge`, `host` or `none` the network is local to one host and the daemon refuses every service on it.',
      severity: 'error',
      recommended: true,
      checks: ['stack'],
      remediation:
        'Remove `driver` (a stack network is `overlay` by default) or set `driver: overlay`. To use the host network stack, declare the predefined network as external (`hostnet: { external: true, name: host }`).',
    },
    schema: [],
    defaultOptions: [],
    messages: {
      localDriver:
        'Network `{{network}}` uses driver `{{driver}}`, which is local to one host, and services {{services}} are attached to it: the daemon refuses them ("The network … cannot be used with services. Only networks scoped to the swarm can be used, such as those created with the overlay driver."), so they are never created.',
    },
  },
  create(context) {
    return visit({
      Stack(stack) {
        for (const network of stack.networks) {
          const driver = network.driver.trim().toLowerCase();
          if (network.external || network.implicit || !LOCAL_DRIVERS.has(driver)) continue;
          const users = stack.services.filter((s) => serviceNetworkNames(s).includes(network.name)).map((s) => s.name);
          // A network no service lists is never created (`unused-network` says so).
          if (users.length === 0) continue;
          report(context, network.at.driver ?? network.at.name ?? network, 'localDriver', {
            network: network.name,
            driver: network.driver,
            services: nameList(users),
          });
        }
      },
    });
  },
});

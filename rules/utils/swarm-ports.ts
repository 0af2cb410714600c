import type { JSONSchema4 } from '@typescript-eslint/utils/json-schema';
import type { Facts, Host } from '../../language/model.js';

/**
 * The ports a swarm node needs (Docker docs, "Overlay network driver" and "Use overlay networks"): 2377/tcp for
 * the managers' control plane, 7946/tcp and 7946/udp for the gossip among nodes, and the data-path port (4789/udp
 * unless `docker swarm init --data-path-port` chose another) for VXLAN.
 */
export const CONTROL_PORT = 2377;
export const GOSSIP_PORT = 7946;
export const DEFAULT_DATA_PATH_PORT = 4789;

/** What a swarm port carries. */
export type PortPurpose = 'control' | 'gossip' | 'data';

/** The swarm's data-path port: the manager's, else this host's engine's (when it is in a swarm), else 4789. */
export function dataPathPortOf(facts: Facts): number {
  return facts.swarm?.dataPathPort ?? facts.host?.engine?.dataPathPort ?? DEFAULT_DATA_PATH_PORT;
}

/** What a port and protocol is for in a swarm, or undefined when it is none of the swarm's. */
export function purposeOf(protocol: string, port: number | undefined, dataPathPort: number): PortPurpose | undefined {
  if (port === undefined) return undefined;
  if (port === GOSSIP_PORT && (protocol === 'tcp' || protocol === 'udp')) return 'gossip';
  if (protocol === 'udp' && port === dataPathPort) return 'data';
  if (protocol === 'tcp' && port === CONTROL_PORT) return 'control';
  return undefined;
}

/** The `role` option of the rules that care whether this host is (or will be) a manager. */
export type RoleOption = 'auto' | 'manager' | 'worker';

export const roleSchema: JSONSchema4 = { type: 'string', enum: ['auto', 'manager', 'worker'] };

/**
 * Whether this host is, or will be, a manager: the rule option when it says, else the role of the swarm the host's
 * engine is already part of. Undefined before the join, when only the join token will tell.
 */
export function managerRole(host: Host, option: RoleOption): boolean | undefined {
  if (option !== 'auto') return option === 'manager';
  const engine = host.engine;
  if (engine?.swarmState === 'active' && engine.role) return engine.role === 'manager';
  return undefined;
}

/**
 * The problem a blocked or taken swarm port is, as the messageId both port rules use: its purpose, or
 * `controlIfManager` for 2377/tcp while the host's role is not known yet. Undefined when the port is not the
 * swarm's, or it is the managers' own and this host is a worker.
 */
export function portProblem(purpose: PortPurpose | undefined, manager: boolean | undefined): PortPurpose | 'controlIfManager' | undefined {
  if (!purpose || (purpose === 'control' && manager === false)) return undefined;
  return purpose === 'control' && manager === undefined ? 'controlIfManager' : purpose;
}

import type { Constraint, SwarmNode } from '../../language/model.js';

/**
 * Placement constraints against a node's operating system and other node attributes, as swarmkit matches them
 * (manager/constraint/constraint.go): keys and values compare case-insensitively, `node.labels.*` label names
 * case-sensitively, and every constraint must hold.
 */

const OS_KEY = 'node.platform.os';

const isOsConstraint = (c: Constraint): boolean => c.key.toLowerCase() === OS_KEY;

/** The constraint that pins a service to an operating system (`node.platform.os == windows`), if any. */
export function pinnedTo(constraints: readonly Constraint[], os: string): Constraint | undefined {
  return constraints.find((c) => isOsConstraint(c) && c.operator === '==' && c.value.toLowerCase() === os);
}

/** Can a node running `os` satisfy the service's `node.platform.os` constraints? */
export function allowsOs(constraints: readonly Constraint[], os: string): boolean {
  return constraints.filter(isOsConstraint).every((c) => (c.value.toLowerCase() === os) === (c.operator === '=='));
}

/** The value a node has for a constraint key, or undefined when the facts do not say (then it may match). */
function nodeValue(node: SwarmNode, key: string): string | undefined {
  const k = key.toLowerCase();
  if (k === 'node.id') return node.id;
  if (k === 'node.hostname') return node.hostname;
  if (k === 'node.role') return node.role;
  if (k === OS_KEY) return node.os;
  if (k === 'node.platform.arch') return node.arch;
  if (k.startsWith('node.labels.')) return node.labels[key.slice('node.labels.'.length)] ?? '';
  return undefined;
}

/**
 * Could the scheduler place a task with these constraints on this node? Constraints on attributes the facts
 * do not hold (`engine.labels.*`, `node.ip`) are taken as satisfied: a Windows node is then reported rather
 * than missed.
 */
export function nodeMayMatch(constraints: readonly Constraint[], node: SwarmNode): boolean {
  return constraints.every((c) => {
    const value = nodeValue(node, c.key);
    return value === undefined || (value.toLowerCase() === c.value.toLowerCase()) === (c.operator === '==');
  });
}

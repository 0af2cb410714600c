import type { Facts } from '../../engine/model.js';

/** Did the facts document get this part of the Engine API (e.g. `networks`)? False when the call failed. */
export function answered(facts: Facts, part: 'nodes' | 'networks' | 'services' | 'tasks' | 'info' | 'swarm'): boolean {
  if (facts.kind !== 'audit') return false;
  return !facts.outcomes.some((o) => o.probe === `engine-api/${part}` && o.status !== 'ok');
}

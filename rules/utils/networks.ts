import type { BaseNode, Network, Root, Service, Span } from '../../language/model.js';

export { editDistance } from '../../language/edit-distance.js';

/** The name a stack file gives the network every service without `networks:` is attached to. */
export const DEFAULT_NETWORK = 'default';

/**
 * The networks a service is attached to, by name: the ones it lists, or the stack's `default` when it lists
 * none (docker/cli `getServicesDeclaredNetworks`). A service that lists `default` explicitly shares it with the
 * services that list nothing.
 */
export function serviceNetworkNames(service: Service): string[] {
  return service.defaultNetwork ? [DEFAULT_NETWORK] : service.networks.map((n) => n.name);
}

/** Where a node's name was written (a network's or service's key in a stack file), else the whole node. */
export function nameSpan(node: BaseNode): Span {
  return node.at.name ?? node;
}

/** One attachment of a service to a network, with where to report it (the entry, or the service's name). */
export interface Attachment {
  name: string;
  at: Span;
}

export function attachmentsOf(service: Service): Attachment[] {
  if (service.defaultNetwork) return [{ name: DEFAULT_NETWORK, at: nameSpan(service) }];
  return service.networks.map((n) => ({ name: n.name, at: n }));
}

/** The networks of a document by name (a facts document may also name a network by its ID). */
export function networksByName(root: Root): Map<string, Network> {
  const out = new Map<string, Network>();
  for (const n of root.networks) {
    out.set(n.name, n);
    if (n.id) out.set(n.id, n);
  }
  return out;
}

/** `a`, `` `a`, `b` `` for messages. */
export function nameList(names: readonly string[]): string {
  return names.map((n) => `\`${n}\``).join(', ');
}

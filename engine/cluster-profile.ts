import type { ClusterProfile } from '../language/settings.js';
import type { Facts } from '../language/model.js';

/** What a saved audit says about the cluster, in the form stack rules read (`--cluster-facts`). */
export function profileFromFacts(facts: Facts): ClusterProfile {
  const ready = facts.nodes.filter((n) => n.availability === 'active' && n.state === 'ready');
  const mtus = facts.nodes.map((n) => n.underlayMtu).filter((m): m is number => m !== undefined);
  const ingress = facts.networks.find((n) => n.ingress);
  const profile: ClusterProfile = {
    networks: facts.networks.map((n) => ({
      name: n.name,
      subnets: n.subnets.map((s) => s.cidr),
      encrypted: n.encrypted,
      ...(n.mtu !== undefined ? { mtu: n.mtu } : {}),
      ...(n.scope ? { scope: n.scope } : {}),
    })),
    publishedPorts: facts.services.flatMap((s) =>
      s.ports.flatMap((p) => (p.mode === 'ingress' && p.published ? [{ port: p.published, protocol: p.protocol, service: s.name }] : [])),
    ),
  };
  const addressed = facts.nodes.filter((n) => n.address);
  if (addressed.length > 0) profile.nodeAddresses = addressed.map((n) => ({ name: n.hostname, address: n.address }));
  if (facts.nodes.length > 0) {
    // The nodes that can take tasks; when none is ready (an audit of a cluster in trouble), all of them.
    const counted = ready.length > 0 ? ready : facts.nodes;
    profile.nodes = counted.length;
    profile.windowsNodes = counted.filter((n) => n.os === 'windows').length;
  }
  if (mtus.length > 0) profile.underlayMtu = Math.min(...mtus);
  if (facts.swarm) {
    if (facts.swarm.defaultAddrPools.length > 0) profile.defaultAddrPools = facts.swarm.defaultAddrPools;
    profile.subnetSize = facts.swarm.subnetSize;
  }
  const ingressSubnet = ingress?.subnets[0]?.cidr;
  if (ingressSubnet) profile.ingressSubnet = ingressSubnet;
  return profile;
}

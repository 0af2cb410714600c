/**
 * The registry of built-in rules, sorted by id. A rule's id is its file name; test/rules/registry.ts keeps
 * this list, the files, the doc pages and the tests in step.
 */
import type { RuleModule } from '@typescript-eslint/utils/ts-eslint';
import type { SwarmlintDocs } from './utils/create-rule.js';
import containerDensity from './container-density.js';
import dnsrrIngressPort from './dnsrr-ingress-port.js';
import encryptedOverlayPrerequisites from './encrypted-overlay-prerequisites.js';
import encryptionMismatch from './encryption-mismatch.js';
import engineVersionParity from './engine-version-parity.js';
import espBlocked from './esp-blocked.js';
import firewallBlocksSwarmPort from './firewall-blocks-swarm-port.js';
import imageReference from './image-reference.js';
import ingressNetworkAttach from './ingress-network-attach.js';
import interpolation from './interpolation.js';
import kernelPrerequisites from './kernel-prerequisites.js';
import missingIngress from './missing-ingress.js';
import nonSwarmNetworkDriver from './non-swarm-network-driver.js';
import overlayMtu from './overlay-mtu.js';
import overlayReachability from './overlay-reachability.js';
import pathMtu from './path-mtu.js';
import portHostIpIgnored from './port-host-ip-ignored.js';
import portInUse from './port-in-use.js';
import preferLongPortSyntax from './prefer-long-port-syntax.js';
import probeSkipped from './probe-skipped.js';
import publishedPortConflict from './published-port-conflict.js';
import schema from './schema.js';
import singleIngress from './single-ingress.js';
import staleOverlayNetwork from './stale-overlay-network.js';
import subnetCapacity from './subnet-capacity.js';
import subnetOverlap from './subnet-overlap.js';
import swarmIgnoredKey from './swarm-ignored-key.js';
import swarmPortReachable from './swarm-port-reachable.js';
import unreachableService from './unreachable-service.js';
import unusedNetwork from './unused-network.js';
import vxlanChecksumOffload from './vxlan-checksum-offload.js';
import windowsEncryptedOverlay from './windows-encrypted-overlay.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- rules differ in message ids and options
export type SwarmlintRule = RuleModule<string, readonly any[], SwarmlintDocs>;

export const rules: Readonly<Record<string, SwarmlintRule>> = {
  'container-density': containerDensity,
  'dnsrr-ingress-port': dnsrrIngressPort,
  'encrypted-overlay-prerequisites': encryptedOverlayPrerequisites,
  'encryption-mismatch': encryptionMismatch,
  'engine-version-parity': engineVersionParity,
  'esp-blocked': espBlocked,
  'firewall-blocks-swarm-port': firewallBlocksSwarmPort,
  'image-reference': imageReference,
  'ingress-network-attach': ingressNetworkAttach,
  interpolation,
  'kernel-prerequisites': kernelPrerequisites,
  'missing-ingress': missingIngress,
  'non-swarm-network-driver': nonSwarmNetworkDriver,
  'overlay-mtu': overlayMtu,
  'overlay-reachability': overlayReachability,
  'path-mtu': pathMtu,
  'port-host-ip-ignored': portHostIpIgnored,
  'port-in-use': portInUse,
  'prefer-long-port-syntax': preferLongPortSyntax,
  'probe-skipped': probeSkipped,
  'published-port-conflict': publishedPortConflict,
  schema,
  'single-ingress': singleIngress,
  'stale-overlay-network': staleOverlayNetwork,
  'subnet-capacity': subnetCapacity,
  'subnet-overlap': subnetOverlap,
  'swarm-ignored-key': swarmIgnoredKey,
  'swarm-port-reachable': swarmPortReachable,
  'unreachable-service': unreachableService,
  'unused-network': unusedNetwork,
  'vxlan-checksum-offload': vxlanChecksumOffload,
  'windows-encrypted-overlay': windowsEncryptedOverlay,
};

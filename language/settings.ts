import type { RuleContext } from '@typescript-eslint/utils/ts-eslint';

/**
 * What is known about the cluster a stack will be deployed to: from the config file's `cluster` section, or
 * from a saved audit (`swarmlint lint --cluster-facts facts.json`). Rules read it through `clusterOf`.
 */
export interface ClusterProfile {
  /** Nodes that can run tasks. */
  nodes?: number;
  /** How many of them run Windows. */
  windowsNodes?: number;
  /** MTU of the network that carries overlay traffic between nodes. */
  underlayMtu?: number;
  /** The swarm's default address pools (`docker swarm init --default-addr-pool`), default 10.0.0.0/8. */
  defaultAddrPools?: string[];
  /** Prefix length of subnets taken from the pools (`--default-addr-pool-mask-length`), default 24. */
  subnetSize?: number;
  /** The ingress network's subnet, default 10.0.0.0/24. */
  ingressSubnet?: string;
  /** The nodes' underlay addresses (from an audit): an overlay subnet holding one cuts tasks off that node. */
  nodeAddresses?: { name: string; address: string }[];
  /** Networks of the site that overlays must not overlap: office LAN, VPC, VPN. */
  siteCidrs?: { cidr: string; name?: string }[];
  /** Networks that already exist in the cluster (from an audit). */
  networks?: { name: string; subnets: string[]; encrypted: boolean; mtu?: number; scope?: string }[];
  /** Ports already published in ingress mode by services of the cluster (from an audit). */
  publishedPorts?: { port: number; protocol: string; service: string }[];
}

/** Facts about the whole run that no single document holds (several stacks linted together). */
export interface RunContext {
  /**
   * Every ingress-published port of every stack document in the run. `document` is the file name the document
   * is linted under (`documentOf`), `file` the file the port is written in, `order` the document's place in the run
   * (a conflict between two documents is reported once, in the later one).
   */
  publishedPorts: { port: number; protocol: string; service: string; document: string; order: number; file: string; line: number }[];
}

export interface SwarmlintSettings {
  cluster?: ClusterProfile;
  run?: RunContext;
}

type AnyContext = Readonly<RuleContext<string, readonly unknown[]>>;

export function settingsOf(context: AnyContext): SwarmlintSettings {
  const s = (context.settings as { swarmlint?: SwarmlintSettings }).swarmlint;
  return s ?? {};
}

export function clusterOf(context: AnyContext): ClusterProfile {
  return settingsOf(context).cluster ?? {};
}

/** Which document is being linted: the file name ESLint lints it under (the run context uses the same names). */
export function documentOf(context: AnyContext): string {
  return context.filename;
}

import type { Host, KernelModule } from '../language/model.js';
import { createRule, report, visit } from './utils/create-rule.js';
import { swarmEncryption } from './utils/facts.js';
import { nameList } from './utils/networks.js';
import { encryptionMatchOf, parseEngineVersion } from './utils/version.js';

/** IPsec for encrypted overlays: XFRM netlink and algorithms, ESP over IPv4, AES-GCM (moby contrib/check-config.sh). */
const IPSEC_MODULES = ['xfrm_user', 'xfrm_algo', 'esp4', 'gcm', 'seqiv', 'ghash_generic'];

type MatchProblem = 'noBpf' | 'noU32Silent' | 'noMatch';

/** Why the iptables match for encrypted overlays fails here, or undefined when it does not (or nobody can tell). */
function matchProblem(
  host: Host,
  missing: (name: string) => KernelModule | undefined,
): { at: KernelModule; problem: MatchProblem; engine: string; backend: string } | undefined {
  const u32 = missing('xt_u32');
  const bpf = missing('xt_bpf');
  const version = host.engine ? parseEngineVersion(host.engine.version) : undefined;
  const engine = version ? `Docker Engine ${version.text}` : 'the engine';
  const backend =
    host.iptablesBackend === 'nf_tables' ? ' (iptables uses its nf_tables backend here, as on RHEL 8 and 9, which ship no `xt_u32`)' : '';
  switch (version ? encryptionMatchOf(version) : undefined) {
    case 'bpf':
      return bpf && { at: bpf, problem: 'noBpf', engine, backend };
    case 'u32-silent':
      return u32 && { at: u32, problem: 'noU32Silent', engine, backend };
    default:
      // 20.10.24 and 23.0.x from 23.0.3 try xt_u32, then xt_bpf; an unknown engine needs one of them either way.
      if (!u32 || !bpf) return undefined;
      return { at: u32.range[0] < bpf.range[0] ? u32 : bpf, problem: 'noMatch', engine, backend };
  }
}

export default createRule({
  name: 'kernel-prerequisites',
  meta: {
    type: 'problem',
    docs: {
      description:
        "This host's kernel must have what overlay networks need: `vxlan` and `ip_vs` always, and for the swarm's encrypted overlays the IPsec modules and the `xt_u32` or `xt_bpf` iptables match its engine uses.",
      severity: 'error',
      recommended: true,
      checks: ['preflight'],
      remediation:
        "Load the module (`modprobe vxlan`, `modprobe xt_bpf`, …) and list it in `/etc/modules-load.d/` so it loads at boot; where the kernel lacks it, install the distribution's extra modules package or a kernel built with it (moby's `contrib/check-config.sh` lists the options). Upgrade engines older than 20.10.24 or 23.0.3 before relying on encryption.",
      messageSeverity: {
        ipsecIfEncrypted: 'warning',
        noBpfIfEncrypted: 'warning',
        noU32SilentIfEncrypted: 'warning',
        noMatchIfEncrypted: 'warning',
      },
    },
    schema: [],
    defaultOptions: [],
    messages: {
      vxlan:
        'Kernel module `vxlan` is missing on this host: every overlay network, ingress and the routing mesh included, is VXLAN, so this host can carry no overlay traffic once it joins.',
      ipvs: "Kernel module `ip_vs` is missing on this host: swarm builds services' virtual IPs and the routing mesh on IPVS, so load balancing to services and published ports does not work here.",
      ipsec:
        'Kernel module(s) {{modules}} missing on this host, and the swarm has the encrypted overlay network(s) {{networks}}: they are IPsec ESP with AES-GCM, which dockerd sets up through these modules, so their tasks on this host cannot reach the other nodes.',
      ipsecIfEncrypted:
        "Kernel module(s) {{modules}} missing on this host: encrypted overlay networks are IPsec ESP with AES-GCM, which dockerd sets up through these modules, so if the swarm has any (the manager's networks were not read), their tasks on this host cannot reach the other nodes.",
      noBpf:
        'This host cannot carry the encrypted overlay network(s) {{networks}}: `xt_bpf` is missing, and {{engine}} marks encrypted overlay traffic with it alone (since 24.0), so it refuses their tasks on this host.',
      noBpfIfEncrypted:
        "This host could not carry encrypted overlay networks, should the swarm have any (the manager's networks were not read): `xt_bpf` is missing, and {{engine}} marks encrypted overlay traffic with it alone (since 24.0), so it refuses their tasks on this host.",
      noU32Silent:
        'This host cannot carry the encrypted overlay network(s) {{networks}}: `xt_u32` is missing{{backend}}, and {{engine}} predates the fix for CVE-2023-28841: it sets those networks up without any error and sends their traffic between nodes unencrypted.',
      noU32SilentIfEncrypted:
        "This host could not carry encrypted overlay networks, should the swarm have any (the manager's networks were not read): `xt_u32` is missing{{backend}}, and {{engine}} predates the fix for CVE-2023-28841: it sets those networks up without any error and sends their traffic between nodes unencrypted.",
      noMatch:
        "This host cannot carry the encrypted overlay network(s) {{networks}}: neither `xt_u32` nor `xt_bpf` is available{{backend}}, and {{engine}} marks encrypted overlay traffic with one of them: engines from 20.10.24 and 23.0.3 refuse the networks' tasks on this host, older ones send their traffic unencrypted (CVE-2023-28841).",
      noMatchIfEncrypted:
        "This host could not carry encrypted overlay networks, should the swarm have any (the manager's networks were not read): neither `xt_u32` nor `xt_bpf` is available{{backend}}, and {{engine}} marks encrypted overlay traffic with one of them: engines from 20.10.24 and 23.0.3 refuse the networks' tasks on this host, older ones send their traffic unencrypted (CVE-2023-28841).",
    },
  },
  create(context) {
    return visit({
      Facts(facts) {
        const host = facts.host;
        if (!host) return;
        // `unknown` (and a module the probe did not look for) says nothing.
        const missing = (name: string): KernelModule | undefined => host.modules.find((m) => m.name === name && m.state === 'missing');
        const vxlan = missing('vxlan');
        if (vxlan) report(context, vxlan, 'vxlan');
        const ipvs = missing('ip_vs');
        if (ipvs) report(context, ipvs, 'ipvs');

        const encryption = swarmEncryption(facts);
        if (encryption.known && encryption.networks.length === 0) return;
        const networks = nameList(encryption.networks.map((n) => n.name));
        const ipsec = host.modules.filter((m) => m.state === 'missing' && IPSEC_MODULES.includes(m.name));
        const [first] = ipsec;
        if (first) {
          const modules = `${nameList(ipsec.map((m) => m.name))} ${ipsec.length === 1 ? 'is' : 'are'}`;
          report(context, first, encryption.known ? 'ipsec' : 'ipsecIfEncrypted', { modules, networks });
        }
        const match = matchProblem(host, missing);
        if (match) {
          const { at, problem, engine, backend } = match;
          report(context, at, encryption.known ? problem : `${problem}IfEncrypted`, { networks, engine, backend });
        }
      },
    });
  },
});

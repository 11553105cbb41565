/**
 * A node's full desired state, as the controller sends it to the node's agent (ApplyIntent).
 * Level-based: every intent is complete; what it does not list and the agent owns is removed.
 * Pure types; derivation of kernel objects lives in ../plan.
 */
import type { Family } from '../../common/ip.js';
import type { Seg6Mode } from '../../dataplane/seg6/seg6-encap.js';
import type { Seg6LocalBehavior } from '../../dataplane/seg6/seg6local.js';
import type { PortRange } from '../../dataplane/seg6/rule.js';
import type { FunctionSpec } from '../functions/function-spec.js';

export interface NodeIntent {
  /** Increases with every intent the controller computes for this node; an older one is refused. */
  readonly generation: number;
  /** Source address of SRv6 encapsulation on this node (`ip sr tunsrc`). */
  readonly tunnelSource?: string;
  /** Settings of an ingress edge's customer-facing side. */
  readonly edge?: EdgeSettings;
  /** Chains whose traffic enters the SRv6 domain here. */
  readonly edgeChains?: readonly EdgeChain[];
  /** SIDs of this node that are not instance legs: egress decap, transit End, ... */
  readonly localSids?: readonly LocalSid[];
  /** Function instances this node hosts. */
  readonly instances?: readonly InstanceSpec[];
  /**
   * SR proxies of SR-unaware instances: `static` (per-chain continuation on the instance's return
   * leg) or `dynamic` (eBPF, End.AD: the header the packet arrived with is cached and pushed back;
   * no per-chain state on this node).
   */
  readonly proxies?: readonly ProxySpec[];
}

export interface EdgeSettings {
  /** Interfaces customers' traffic arrives on. */
  readonly customerInterfaces: readonly string[];
  /** Clamp the TCP MSS of SYNs arriving there (bytes); keeps encapsulated TCP under the underlay MTU. */
  readonly mssClamp?: number;
  /** Prefixes of the SRv6 SID space: customer packets aimed at them are dropped. */
  readonly sidSpace?: readonly string[];
}

export interface Classifier {
  /** Destination prefix (IPv4 or IPv6); the family of the classifier. */
  readonly dst: string;
  readonly src?: string;
  /** IP protocol number (6 tcp, 17 udp, ...); needed for ports. */
  readonly protocol?: number;
  readonly srcPorts?: PortRange;
  readonly dstPorts?: PortRange;
  /** Only traffic arriving on this interface. */
  readonly iif?: string;
}

export interface EdgeChain {
  /** The chain's name (identity with `direction`, e.g. `web`). */
  readonly chain: string;
  /**
   * Default `forward`: traffic entering the chain. `return`: replies to a NAT's address, steered
   * back to the NAT instance at the chain's egress. A node may hold both of one chain (when it is
   * the chain's ingress and egress), so the two are distinct items.
   */
  readonly direction?: 'forward' | 'return';
  /** Numeric id of the chain on this node (1..2^23): nexthop ids, tables and rule priorities derive from it. */
  readonly id: number;
  /** Device encapsulated packets leave by (towards the first SID). */
  readonly dev: string;
  /** Travel order: the functions' SIDs, then the egress decap SID; for both families unless `segmentsIpv6`. */
  readonly segments: readonly string[];
  /**
   * The list for IPv6 traffic when it differs (SR-unaware functions have an End.DX4 SID for IPv4 and
   * an End.DX6 SID for IPv6, so a dual-stack chain needs two lists).
   */
  readonly segmentsIpv6?: readonly string[];
  /** Default `encap`. */
  readonly mode?: Extract<Seg6Mode, 'encap' | 'encap.red'>;
  readonly classifiers: readonly Classifier[];
}

export interface LocalSid {
  readonly sid: string;
  readonly behavior: Seg6LocalBehavior;
  /** Interface the SID route is attached to (one that receives the traffic; never lo). */
  readonly dev: string;
}

export interface InstanceSpec {
  /** Stable id, `[a-z0-9-]{1,24}`; the instance's namespace and leg names derive from it. */
  readonly id: string;
  readonly function: FunctionSpec;
  /**
   * Per-node slot (0..16383), unique among this node's instances: leg addresses derive from it
   * (see plan/leg-addressing.ts), so a restarted agent finds the same addresses again.
   */
  readonly slot: number;
  /** 1: traffic enters and leaves by one leg; 2: an in leg and an out leg. */
  readonly legs: 1 | 2;
  /** SIDs that steer traffic into the instance (SR-unaware attachment): End.DX4 and/or End.DX6. */
  readonly sids: InstanceSids;
  /**
   * NAT return path (two legs only): End.DX4 / End.DX6 SIDs into the instance's *out* leg, for
   * replies to its NAT address. They enter by the out leg and leave by the in leg, where the
   * proxy's `reverse` lists take them back.
   */
  readonly returnSids?: InstanceSids;
}

export interface InstanceSids {
  readonly dx4?: string;
  readonly dx6?: string;
}

export interface ProxySpec {
  /** The instance whose return leg this proxy serves. */
  readonly instance: string;
  /** The chain the instance currently serves (instances are dedicated per chain). */
  readonly chain: string;
  /**
   * Default `static`. `dynamic`: the eBPF proxy (docs/dynamic-proxy.md) proxies the instance's
   * End.DX4/End.DX6 SIDs (those of `families`) and re-encapsulates on its return leg with the cached
   * header: no continuation, device or reverse lists (refused when given).
   */
  readonly mode?: 'static' | 'dynamic';
  /**
   * Travel order: the SIDs after this function, ending with the egress decap SID; both families
   * unless `continuationIpv6`. Required for (and only for) a static proxy.
   */
  readonly continuation?: readonly string[];
  /** The continuation for IPv6 traffic when it differs (End.DX6 SIDs instead of End.DX4). */
  readonly continuationIpv6?: readonly string[];
  /** Device the re-encapsulated packets leave by. Required for (and only for) a static proxy. */
  readonly dev?: string;
  /** Address families to proxy (default both). */
  readonly families?: readonly Family[];
  /**
   * NAT return path (two-leg instances only): what leaves the instance by its *in* leg (the
   * de-NATed replies) is encapsulated with these, per family — the ingress's decap SID, or the
   * return SID of an earlier NAT of the chain. A family without a list gets no reverse proxy.
   */
  readonly reverse?: ReverseLists;
}

/** A static proxy item (what the static proxy reads; validated: continuation and dev present). */
export type StaticProxySpec = ProxySpec & { readonly continuation: readonly string[]; readonly dev: string };

export interface ReverseLists {
  readonly ipv4?: readonly string[];
  readonly ipv6?: readonly string[];
}

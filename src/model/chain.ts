/**
 * The ServiceChain resource: what a user or an orchestrator declares (spec) and what the
 * controller observes (status). Pure types; YAML documents (src/chains) and the northbound proto
 * (srv6sfc.v1.Chain) both map onto them one to one.
 */
import type { PortRange } from '../dataplane/seg6/rule.js';
import type { FunctionType } from '../agent/functions/function-spec.js';

/** `chains/{chain}`: lowercase letters, digits, '-' (DNS label, 1..63). */
export const CHAIN_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
export const chainResourceName = (name: string): string => `chains/${name}`;

export interface TrafficMatch {
  /** Destination prefixes (IPv4 and/or IPv6): what the ingress classifies into the chain. Required. */
  readonly destinations: readonly string[];
  /** Source prefixes (same families as the destinations); absent = any. */
  readonly sources?: readonly string[];
  /** `tcp`, `udp`, `icmp`, `icmpv6`, or an IP protocol number; needed for ports. */
  readonly protocol?: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | number;
  /** Destination port ranges (tcp/udp). */
  readonly ports?: readonly PortRange[];
  /** Only traffic arriving on this interface of the ingress node. */
  readonly interface?: string;
}

export interface Ingress {
  readonly node: string;
  readonly match: TrafficMatch;
}

export interface Egress {
  readonly node: string;
  /** `auto` (default): End.DT46 where the node has VRF, else End.DX4 / End.DX6. */
  readonly decap?: 'auto' | 'dx' | 'dt46';
}

export interface Placement {
  /** Pin to this node. */
  readonly node?: string;
  /** Or any node whose labels include all of these. */
  readonly nodeSelector?: Readonly<Record<string, string>>;
}

/**
 * How an SR-unaware function's return leg is re-encapsulated. `static`: kernel only, a per-chain
 * table on the function's node. `dynamic`: eBPF (End.AD semantics), the header cached per
 * instance, no per-chain state on the node; needs the node's `bpf-proxy` feature. `auto`: dynamic
 * where the function's node reports `bpf-proxy` and the chain's shape allows it, else static.
 */
export type ProxyMode = 'auto' | 'static' | 'dynamic';

/** A proxy mode as the controller chose it for one instance: never `auto`. */
export type EffectiveProxyMode = Exclude<ProxyMode, 'auto'>;

export interface ChainFunction {
  /** Unique within the chain (DNS label); the instance is `chains/{chain}/functions/{name}`. */
  readonly name: string;
  readonly type: FunctionType;
  /** The type's configuration (see docs/agent.md, functions). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** `unaware` (default): attached through End.DX4/DX6 and an SR proxy. */
  readonly sr?: 'aware' | 'unaware';
  /**
   * The SR proxy of this (SR-unaware) function; absent = the chain's `proxy`. Left absent by the
   * defaults so a chain-wide change still reaches every function that did not choose its own.
   */
  readonly proxy?: ProxyMode;
  readonly placement?: Placement;
}

export interface ChainSpec {
  readonly ingress: Ingress;
  readonly egress: Egress;
  /** In traversal order; at least one (an empty chain is refused: use a plain route for a tunnel). */
  readonly functions: readonly ChainFunction[];
  /** SR proxy for unaware functions, the default of each function's own `proxy`; absent = `auto`. */
  readonly proxy?: ProxyMode;
}

export type ConditionType = 'Placed' | 'InstancesReady' | 'Programmed' | 'Ready';

/** An observation, not a state machine (controller-runtime style). */
export interface Condition {
  readonly type: ConditionType;
  readonly status: 'True' | 'False' | 'Unknown';
  /** CamelCase, e.g. `NodeUnreachable`, `SpawnFailed`, `WaitingForInstances`. */
  readonly reason: string;
  readonly message: string;
  readonly lastTransitionTime: string;
  readonly observedGeneration: number;
}

export interface InstanceRef {
  /** The function's name in the chain. */
  readonly function: string;
  readonly node: string;
  /** The agent's instance id on that node. */
  readonly id: string;
  readonly sids: { readonly dx4?: string; readonly dx6?: string };
  /** Packets through the instance's SIDs, from the last counters the agent reported. */
  readonly packets?: bigint;
  /** The SR proxy the controller chose for the instance (what `auto` resolved to); absent = not reported. */
  readonly proxy?: EffectiveProxyMode;
}

export interface ChainStatus {
  readonly observedGeneration: number;
  readonly conditions: readonly Condition[];
  /** The segment list at the ingress, per address family, in travel order. */
  readonly segments: { readonly ipv4?: readonly string[]; readonly ipv6?: readonly string[] };
  readonly instances: readonly InstanceRef[];
}

export interface Chain {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: ChainSpec;
  /** Increases with every spec change. */
  readonly generation: number;
  /** Opaque; changes with every change of the resource (optimistic concurrency). */
  readonly etag: string;
  readonly createTime: string;
  readonly updateTime: string;
  readonly status: ChainStatus;
}

/** What a user declares (a YAML document, an Apply request): the rest of a Chain is the controller's. */
export type ChainDeclaration = Pick<Chain, 'name' | 'labels' | 'spec'>;

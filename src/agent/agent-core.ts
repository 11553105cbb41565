/**
 * What the agent's gRPC service needs from the rest of the agent. The reconciler implements it;
 * the gRPC layer only translates messages and errors around it, so the core stays testable without
 * sockets and the service without a kernel.
 */
import type { Link } from '../dataplane/dataplane.js';
import type { FeatureReport } from '../dataplane/netlink/probe.js';
import type { NodeIntent } from './intent/node-intent.js';
import type { AgentEvent, ApplyResult, ObservedState, OpCounts } from './reconcile/types.js';

/** What a node is and what it can do (GetNode; registration with the controller). */
export interface NodeInfo {
  /** The node's name (`edge1`), unique in the domain; its resource name is `nodes/edge1`. */
  readonly name: string;
  /** `host:port` the controller dials this agent at (the advertised address, not `0.0.0.0:...`). */
  readonly address: string;
  /** SRv6 locator prefix this node's SIDs come from. */
  readonly locator: string;
  readonly interfaces: readonly Link[];
  /** Kernel features, probed at start. */
  readonly features: FeatureReport;
  /** Runtimes offered for instances, e.g. `netns`. */
  readonly runtimes: readonly string[];
  /** Operations performed since the agent started (applies and resyncs; dry runs excluded). */
  readonly operations?: OpCounts;
  /** Labels the controller selects nodes by (placement.nodeSelector), e.g. `srv6-sfc/role: function`. */
  readonly labels?: Readonly<Record<string, string>>;
  /** The device facing the SRv6 core: encapsulated traffic leaves by it. */
  readonly coreInterface?: string;
  /** Function instances this node may host (unbounded when absent). */
  readonly capacity?: number;
}

export interface ApplyOptions {
  /** Validate and plan only: report per item and count the operations that would run; change nothing. */
  readonly validateOnly: boolean;
}

export interface AgentCore {
  /**
   * Converges the node on `intent`. Per-item problems go into the result (the rest applies).
   * Throw, rather than return, only for the intent as a whole, with a domain error the gRPC layer
   * maps: an intent older than the applied one → ConflictError (ABORTED, reason STALE_GENERATION);
   * another apply in progress → AbortedError, or serialize them; node not ready (probe not done)
   * → UnavailableError.
   */
  apply(intent: NodeIntent, options: ApplyOptions): Promise<ApplyResult>;
  /** What the agent owns right now (kernel objects with counters, instances). */
  observed(): Promise<ObservedState>;
  node(): Promise<NodeInfo>;
  /** Subscribes to events; returns the unsubscribe function. Listeners must not throw. */
  onEvent(listener: (event: AgentEvent) => void): () => void;
}

/** Injection token of the AgentCore (DESIGN.md §5: a token and its interface share one name). */
export const AgentCore = Symbol.for('srv6-sfc.AgentCore');

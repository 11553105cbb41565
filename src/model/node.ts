/** The Node resource (`nodes/{node}`): a host with an agent, as registered with the controller. */
import type { FeatureReport } from '../dataplane/netlink/probe.js';

export interface NodeRecord {
  readonly name: string;
  /** Where the controller dials the node's agent (`host:port` or `unix:path`). */
  readonly address: string;
  /** The node's SRv6 locator: its SIDs are allocated from it. */
  readonly locator: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly features: FeatureReport;
  readonly runtimes: readonly string[];
  /** Interfaces by name (planning checks devices it names). */
  readonly interfaces: readonly string[];
  /** Device that faces the SRv6 core (encapsulated traffic leaves by it); from the node's labels. */
  readonly coreInterface?: string;
  /** Function instances this node may host (capacity for placement; default unbounded). */
  readonly capacity?: number;
  readonly state: 'READY' | 'UNREACHABLE';
  readonly lastHeartbeat: string;
}

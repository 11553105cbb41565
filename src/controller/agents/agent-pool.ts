/**
 * One AgentService client per registered node, created on first use and replaced when the node's
 * address changes (a re-registered agent may listen elsewhere). The reconciler asks the pool for a
 * node's client; it never dials agents itself.
 */
import { AgentClient, type AgentClientOptions } from '../../agent/grpc/agent-client.js';

export interface AgentPool {
  client(node: string, address: string): AgentClient;
  /** Drops (and closes) the client of a node that is gone. */
  forget(node: string): void;
  close(): void;
}

export const AgentPool = Symbol.for('srv6-sfc.AgentPool');

export class GrpcAgentPool implements AgentPool {
  private readonly clients = new Map<string, AgentClient>();

  constructor(private readonly options: AgentClientOptions = {}) {}

  client(node: string, address: string): AgentClient {
    const have = this.clients.get(node);
    if (have && have.address === address) return have;
    have?.close();
    const c = new AgentClient(address, this.options);
    this.clients.set(node, c);
    return c;
  }

  forget(node: string): void {
    this.clients.get(node)?.close();
    this.clients.delete(node);
  }

  close(): void {
    for (const c of this.clients.values()) c.close();
    this.clients.clear();
  }
}

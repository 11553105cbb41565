/**
 * One event stream per READY node's agent (WatchEvents): exited instances, corrected drift and
 * counters reach the controller without polling. A stream that ends (the agent restarted, the
 * connection dropped) is forgotten; the next pass that sees the node READY opens a new one.
 */
import type { AgentEvent } from '../../agent/reconcile/types.js';
import type { NodeRecord } from '../../model/node.js';
import type { AgentDirectory } from './agents.js';

export class AgentWatches {
  private readonly streams = new Map<string, { readonly address: string; readonly stop: () => void }>();

  constructor(
    private readonly agents: AgentDirectory,
    private readonly onEvent: (node: string, e: AgentEvent) => void,
  ) {}

  /** Watches every READY node not watched yet (or watched at an old address); stops the others. */
  sync(nodes: readonly NodeRecord[]): void {
    const ready = new Map(nodes.filter((n) => n.state === 'READY').map((n) => [n.name, n]));
    for (const [name, s] of this.streams) {
      if (ready.get(name)?.address !== s.address) this.forget(name);
    }
    for (const node of ready.values()) {
      if (this.streams.has(node.name)) continue;
      const agent = this.agents.agent(node);
      if (!agent.watch) continue;
      const entry = { address: node.address, stop: () => handle.stop() };
      const handle = agent.watch(
        (e) => this.onEvent(node.name, e),
        () => {
          if (this.streams.get(node.name) === entry) this.streams.delete(node.name);
        },
      );
      this.streams.set(node.name, entry);
    }
  }

  forget(node: string): void {
    this.streams.get(node)?.stop();
    this.streams.delete(node);
  }

  stopAll(): void {
    for (const name of [...this.streams.keys()]) this.forget(name);
  }
}

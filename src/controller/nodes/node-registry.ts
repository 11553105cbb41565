/**
 * Registered nodes: agents register (create-or-update, READY) and heartbeat; a node whose heartbeat
 * is older than the liveness window turns UNREACHABLE (its chains report NotReady). State lives in
 * the store like the chains, so a restarted controller knows its nodes before they heartbeat again.
 */
import { NotFoundError } from '../../common/errors.js';
import type { NodeRecord } from '../../model/node.js';
import type { Store } from '../store/store.js';

export type NodeEvent = { readonly type: 'REGISTERED' | 'READY' | 'UNREACHABLE'; readonly node: NodeRecord };

export class NodeRegistry {
  private readonly listeners = new Set<(e: NodeEvent) => void>();

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  onChange(listener: (e: NodeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: NodeEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Create-or-update from the agent's registration; the node is READY from now. */
  async register(node: Omit<NodeRecord, 'state' | 'lastHeartbeat'>): Promise<NodeRecord> {
    const record: NodeRecord = { ...node, state: 'READY', lastHeartbeat: this.now().toISOString() };
    await this.store.transact((s) => ({ state: { ...s, nodes: { ...s.nodes, [node.name]: record } }, result: undefined }));
    this.emit({ type: 'REGISTERED', node: record });
    return record;
  }

  /** NOT_FOUND for an unknown node: the agent then registers again (e.g. after a store reset). */
  async heartbeat(name: string): Promise<NodeRecord> {
    let becameReady = false;
    const record = await this.store.transact((s) => {
      const prev = s.nodes[name];
      if (!prev) throw new NotFoundError(`node '${name}' is not registered`, 'NODE_NOT_FOUND');
      becameReady = prev.state !== 'READY';
      const next: NodeRecord = { ...prev, state: 'READY', lastHeartbeat: this.now().toISOString() };
      return { state: { ...s, nodes: { ...s.nodes, [name]: next } }, result: next };
    });
    if (becameReady) this.emit({ type: 'READY', node: record });
    return record;
  }

  async get(name: string): Promise<NodeRecord> {
    const n = (await this.store.read()).nodes[name];
    if (!n) throw new NotFoundError(`node '${name}' does not exist`, 'NODE_NOT_FOUND');
    return n;
  }

  async list(): Promise<NodeRecord[]> {
    return Object.values((await this.store.read()).nodes).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** Marks READY nodes silent for longer than windowMs UNREACHABLE; returns them. */
  async expire(windowMs: number): Promise<NodeRecord[]> {
    const cutoff = this.now().getTime() - windowMs;
    const expired = await this.store.transact((s) => {
      const gone = Object.values(s.nodes).filter((n) => n.state === 'READY' && Date.parse(n.lastHeartbeat) < cutoff);
      if (gone.length === 0) return { result: [] as NodeRecord[] };
      const nodes = { ...s.nodes };
      const marked = gone.map((n) => (nodes[n.name] = { ...n, state: 'UNREACHABLE' as const }));
      return { state: { ...s, nodes }, result: marked };
    });
    for (const node of expired) this.emit({ type: 'UNREACHABLE', node });
    return expired;
  }
}

/**
 * An in-memory Runtime for tests of everything above the instances (reconciler, controller):
 * spawn/reconfigure/destroy bookkeeping with the netns runtime's semantics, plus `kill(id)` to
 * simulate an instance that exits.
 */
import type { InstanceSpec } from '../intent/node-intent.js';
import { instanceLegs } from '../plan/leg-addressing.js';
import type { InstanceEvent, InstanceStatus, Runtime } from './runtime.js';

export class FakeRuntime implements Runtime {
  readonly name = 'fake';
  private readonly instances = new Map<string, InstanceStatus>();
  private readonly listeners = new Set<(e: InstanceEvent) => void>();
  /** Operations performed (spawn, reconfigure, destroy), for op-count assertions. */
  opsPerformed = 0;
  /** Ids whose next spawn fails (to test per-item failures). */
  readonly failNextSpawn = new Set<string>();

  private status(spec: InstanceSpec): InstanceStatus {
    const legs = instanceLegs(spec.slot, spec.legs);
    return {
      id: spec.id,
      spec: structuredClone(spec),
      state: 'running',
      attachment: { inDev: legs.in.hostDev, outDev: (legs.out ?? legs.in).hostDev, in4: legs.in.instance4, in6: legs.in.instance6 },
    };
  }

  async spawn(spec: InstanceSpec): Promise<InstanceStatus> {
    if (this.failNextSpawn.delete(spec.id)) throw new Error(`spawn of ${spec.id} failed (injected)`);
    if (this.instances.get(spec.id)?.state === 'running') throw new Error(`instance ${spec.id} exists`);
    const s = this.status(spec);
    this.instances.set(spec.id, s);
    this.opsPerformed++;
    return s;
  }

  async reconfigure(spec: InstanceSpec): Promise<InstanceStatus> {
    if (!this.instances.has(spec.id)) throw new Error(`no instance ${spec.id}`);
    const s = this.status(spec);
    this.instances.set(spec.id, s);
    this.opsPerformed++;
    return s;
  }

  async destroy(id: string): Promise<boolean> {
    const had = this.instances.delete(id);
    if (had) this.opsPerformed++;
    return had;
  }

  async list(): Promise<InstanceStatus[]> {
    return [...this.instances.values()].map((s) => structuredClone(s));
  }

  onEvent(listener: (e: InstanceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Test helper: the instance's process dies. */
  kill(id: string, reason = 'killed'): void {
    const s = this.instances.get(id);
    if (!s || s.state !== 'running') return;
    this.instances.set(id, { ...s, state: 'exited', reason });
    for (const l of this.listeners) l({ type: 'exited', id, reason });
  }

  async counters(): Promise<Record<string, { packets: number; bytes: number }>> {
    return {};
  }

  async close(): Promise<void> {}
}

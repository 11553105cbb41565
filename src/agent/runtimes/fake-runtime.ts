/**
 * An in-memory Runtime for tests of everything above the instances (reconciler, controller):
 * spawn/reconfigure/destroy bookkeeping with the netns runtime's semantics (one instance per slot),
 * plus `kill(id)` to simulate an instance that exits. With `latencyMs`, every operation takes that
 * long (a timer), so callers' operations really overlap; `maxInFlight` is the high-water mark of
 * operations running at once.
 */
import type { InstanceSpec } from '../intent/node-intent.js';
import { instanceLegs } from '../plan/leg-addressing.js';
import type { InstanceEvent, InstanceStatus, Runtime } from './runtime.js';

export type FakeOperation = 'spawn' | 'reconfigure' | 'destroy';

export interface FakeRuntimeOptions {
  /** How long each spawn, reconfigure and destroy takes, ms, or per operation (default 0: a microtask). */
  readonly latencyMs?: number | ((op: FakeOperation, id: string) => number);
}

export class FakeRuntime implements Runtime {
  readonly name = 'fake';
  private readonly instances = new Map<string, InstanceStatus>();
  private readonly listeners = new Set<(e: InstanceEvent) => void>();
  /** Operations performed (spawn, reconfigure, destroy), for op-count assertions. */
  opsPerformed = 0;
  /** Ids whose next spawn fails (to test per-item failures). */
  readonly failNextSpawn = new Set<string>();
  /** Ids whose next destroy fails. */
  readonly failNextDestroy = new Set<string>();
  /** Operations (spawn, reconfigure, destroy) running now, and the most that ever ran at once. */
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly opts: FakeRuntimeOptions = {}) {}

  /** Counts the operation as running for its (simulated) duration. */
  private async busy(op: FakeOperation, id: string): Promise<() => void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const l = this.opts.latencyMs ?? 0;
    const ms = typeof l === 'number' ? l : l(op, id);
    await (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
    return () => void this.inFlight--;
  }

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
    const done = await this.busy('spawn', spec.id);
    try {
      if (this.failNextSpawn.delete(spec.id)) throw new Error(`spawn of ${spec.id} failed (injected)`);
      if (this.instances.get(spec.id)?.state === 'running') throw new Error(`instance ${spec.id} exists`);
      for (const o of this.instances.values()) {
        if (o.id !== spec.id && o.spec.slot === spec.slot) throw new Error(`slot ${spec.slot} is used by instance '${o.id}'`);
      }
      const s = this.status(spec);
      this.instances.set(spec.id, s);
      this.opsPerformed++;
      return s;
    } finally {
      done();
    }
  }

  async reconfigure(spec: InstanceSpec): Promise<InstanceStatus> {
    const done = await this.busy('reconfigure', spec.id);
    try {
      if (!this.instances.has(spec.id)) throw new Error(`no instance ${spec.id}`);
      const s = this.status(spec);
      this.instances.set(spec.id, s);
      this.opsPerformed++;
      return s;
    } finally {
      done();
    }
  }

  async destroy(id: string): Promise<boolean> {
    const done = await this.busy('destroy', id);
    try {
      if (this.failNextDestroy.delete(id)) throw new Error(`destroy of ${id} failed (injected)`);
      const had = this.instances.delete(id);
      if (had) this.opsPerformed++;
      return had;
    } finally {
      done();
    }
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

/**
 * A local VIM runtime: creates, lists and destroys function instances on this node. The agent
 * reconciles instances through this interface; `netns` is the embedded default, QEMU comes later.
 */
import type { InstanceSpec } from '../intent/node-intent.js';

/** Where an instance is plugged into the node: the host-side leg interfaces and addresses. */
export interface InstanceAttachment {
  /** Host-side interface of the in leg (traffic towards the instance). */
  readonly inDev: string;
  /** Host-side interface of the out leg (traffic back from the instance); = inDev with one leg. */
  readonly outDev: string;
  /** The instance's in-leg addresses: the End.DX4 / End.DX6 next hops. */
  readonly in4: string;
  readonly in6: string;
}

export interface InstanceStatus {
  readonly id: string;
  readonly spec: InstanceSpec;
  readonly attachment: InstanceAttachment;
  /** `running`; `exited` when its namespace or process is gone. */
  readonly state: 'running' | 'exited';
  readonly reason?: string;
}

export type InstanceEvent = { readonly type: 'exited'; readonly id: string; readonly reason: string };

export interface Runtime {
  readonly name: string;
  /** Creates the instance and returns once it is ready to forward (the spawn-to-ready time). */
  spawn(spec: InstanceSpec): Promise<InstanceStatus>;
  /** Changes a running instance's function configuration in place (same legs, same slot). */
  reconfigure(spec: InstanceSpec): Promise<InstanceStatus>;
  /** Idempotent: resolves false when it was not there. Removes everything the instance made. */
  destroy(id: string): Promise<boolean>;
  /** Instances this runtime owns on the node, including ones a previous agent process made. */
  list(): Promise<InstanceStatus[]>;
  /** Exit notifications (process died, namespace removed by hand). */
  onEvent(listener: (e: InstanceEvent) => void): () => void;
  /** Per-instance function counters (firewall drops, monitor packets), by counter name. */
  counters(id: string): Promise<Record<string, { packets: number; bytes: number }>>;
  close(): Promise<void>;
}

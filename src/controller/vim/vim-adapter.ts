/**
 * VIM adapters: how a planned function instance comes into being. One small interface, an explicit
 * registry (duplicates refused, an unknown name lists the known ones), and the embedded default:
 * the `agent` adapter, which asks the chosen host's agent to spawn the instance through its local
 * runtime by putting it into the node's intent. Adapters for QEMU, Kubernetes/KubeVirt, Nomad or
 * OpenStack plug in here without touching planning or the reconciler.
 */
import { FUNCTION_TYPES, type FunctionType } from '../../agent/functions/function-spec.js';
import type { InstanceSpec } from '../../agent/intent/node-intent.js';
import { DomainError } from '../../common/errors.js';
import type { NodeRecord } from '../../model/node.js';

export interface VimAdapter {
  readonly name: string;
  /** Function types this VIM can run. */
  readonly functionTypes: readonly FunctionType[];
  /** Whether the node offers this VIM (e.g. its agent reports the runtime at registration). */
  offeredBy(node: NodeRecord): boolean;
  /**
   * What the node's intent carries for a planned instance. The agent adapter hands the instance to
   * the agent as is; an external VIM would spawn it itself and hand over only the attachment.
   */
  realize(instance: InstanceSpec): InstanceSpec;
}

export class VimRegistry {
  private readonly byName = new Map<string, VimAdapter>();

  constructor(adapters: readonly VimAdapter[]) {
    for (const a of adapters) {
      if (this.byName.has(a.name)) throw new DomainError('DUPLICATE_VIM', `VIM adapter '${a.name}' is registered twice`);
      this.byName.set(a.name, a);
    }
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): VimAdapter {
    const a = this.byName.get(name);
    if (!a) throw new DomainError('UNKNOWN_VIM', `unknown VIM adapter '${name}' (one of ${this.names.join(', ')})`);
    return a;
  }

  /** The adapter that runs `type` on `node`, in registration order; undefined when none does. */
  forNode(node: NodeRecord, type: FunctionType): VimAdapter | undefined {
    for (const a of this.byName.values()) if (a.functionTypes.includes(type) && a.offeredBy(node)) return a;
    return undefined;
  }

  /** Names of the adapters that could run `type` at all (for messages). */
  candidates(type: FunctionType): string[] {
    return [...this.byName.values()].filter((a) => a.functionTypes.includes(type)).map((a) => a.name);
  }
}

/** The embedded default: instances are network-namespace functions spawned by the node's agent. */
export const agentVim: VimAdapter = {
  name: 'agent',
  functionTypes: FUNCTION_TYPES,
  offeredBy: (node) => node.runtimes.includes('netns'),
  realize: (instance) => instance,
};

export const DEFAULT_VIMS = new VimRegistry([agentVim]);

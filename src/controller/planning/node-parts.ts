/** The intent items chains contribute to each node, collected during a pass. */
import type { EdgeChain, InstanceSpec, ProxySpec } from '../../agent/intent/node-intent.js';

export interface NodeParts {
  readonly edgeChains: EdgeChain[];
  readonly instances: InstanceSpec[];
  readonly proxies: ProxySpec[];
}

/** One chain's items, each with the node it goes to. */
export interface ChainItems {
  readonly edgeChains: readonly { readonly node: string; readonly item: EdgeChain }[];
  readonly instances: readonly { readonly node: string; readonly item: InstanceSpec }[];
  readonly proxies: readonly { readonly node: string; readonly item: ProxySpec }[];
}

export class PartsByNode {
  private readonly parts = new Map<string, NodeParts>();

  get(node: string): NodeParts {
    let p = this.parts.get(node);
    if (!p) {
      p = { edgeChains: [], instances: [], proxies: [] };
      this.parts.set(node, p);
    }
    return p;
  }

  add(items: ChainItems): void {
    for (const { node, item } of items.edgeChains) this.get(node).edgeChains.push(item);
    for (const { node, item } of items.instances) this.get(node).instances.push(item);
    for (const { node, item } of items.proxies) this.get(node).proxies.push(item);
  }
}

/** Which ingress classifiers are taken, and by which chain, per node. */
export class ClassifierClaims {
  private readonly byNode = new Map<string, Map<string, string>>();

  /** The chain that already selects one of these classifiers on the node, if any. */
  holder(node: string, keys: readonly string[]): string | undefined {
    const m = this.byNode.get(node);
    if (!m) return undefined;
    for (const k of keys) {
      const c = m.get(k);
      if (c !== undefined) return c;
    }
    return undefined;
  }

  claim(node: string, keys: readonly string[], chain: string): void {
    let m = this.byNode.get(node);
    if (!m) {
      m = new Map();
      this.byNode.set(node, m);
    }
    for (const k of keys) m.set(k, chain);
  }
}

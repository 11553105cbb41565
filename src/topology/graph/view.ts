/** What the graph draws besides the topology: the chains, as the caller knows them. */
import type { Underlay } from '../types.js';

/** One service chain as drawn: where it enters, which nodes its functions run on, where it leaves. */
export interface ChainView {
  readonly name: string;
  readonly ready: boolean;
  /** Why not ready (shown on hover/legend). */
  readonly reason?: string;
  /** Node name. */
  readonly ingress: string;
  /** Node name. */
  readonly egress: string;
  readonly functions: readonly { readonly name: string; readonly type: string; readonly node: string; readonly sid?: string }[];
  /** The segment list pushed at the ingress (travel order), if known. */
  readonly segments?: readonly string[];
}

export interface GraphOptions {
  readonly title?: string;
  /** When given: locators of nodes whose file has none, and the endpoints' site subnets. */
  readonly underlay?: Underlay;
}

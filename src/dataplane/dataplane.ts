/**
 * The Dataplane: everything above the kernel (agent reconciler, tests) programs routes, nexthops
 * and rules through this interface. Two implementations share its semantics: `NetlinkDataplane`
 * (the real kernel of the process's network namespace) and `FakeDataplane` (in memory).
 *
 * Ownership: every object installed through a Dataplane carries its owner's route protocol number;
 * listings return owned objects only unless asked for all, so prunes never see foreign state.
 */
import type { Family } from '../common/ip.js';
import type { NetlinkError } from './errors.js';
import type { Nexthop } from './seg6/nexthop.js';
import type { Route } from './seg6/route.js';
import type { Rule } from './seg6/rule.js';

/** srv6-sfc's route protocol number (`proto 200` in `ip route`); unassigned in rt_protos. */
export const SFC_PROTOCOL = 200;

export type ObjectKind = 'route' | 'nexthop' | 'rule';

/** One kernel operation. Verbs mirror iproute2: add = create exclusive, replace = create or replace. */
export type DataplaneOp =
  | { readonly op: 'add' | 'replace' | 'delete'; readonly kind: 'route'; readonly object: Route }
  | { readonly op: 'add' | 'replace' | 'delete'; readonly kind: 'nexthop'; readonly object: Nexthop }
  | { readonly op: 'add' | 'delete'; readonly kind: 'rule'; readonly object: Rule };

/** The result of one op, with the kernel's semantics (EEXIST on add, ESRCH/ENOENT on deleting what is missing). */
export type OpResult = { readonly ok: true } | { readonly ok: false; readonly error: NetlinkError };

export interface ListOptions {
  /** Include objects owned by others (default: owned only). */
  readonly all?: boolean;
  readonly family?: Family;
  /** Routes only: one table (default: every table). */
  readonly table?: number;
}

export interface Link {
  readonly index: number;
  readonly name: string;
}

export interface Dataplane {
  /** The protocol number this dataplane stamps on what it installs and filters listings by. */
  readonly protocol: number;

  /** Applies ops in order, many per kernel round trip; one result per op. Invalid ops fail before any is sent. */
  apply(ops: readonly DataplaneOp[]): Promise<OpResult[]>;

  addRoute(r: Route): Promise<void>;
  replaceRoute(r: Route): Promise<void>;
  /** Idempotent: resolves false when the route was not there. */
  deleteRoute(r: Route): Promise<boolean>;
  listRoutes(opts?: ListOptions): Promise<Route[]>;
  /** The route that `dst` (an address) matches in `table`, with live seg6local counters (RTM_F_FIB_MATCH). */
  getRoute(dst: string, table?: number): Promise<Route | undefined>;

  addNexthop(n: Nexthop): Promise<void>;
  /** Atomic for every route that references the nexthop. */
  replaceNexthop(n: Nexthop): Promise<void>;
  deleteNexthop(n: Pick<Nexthop, 'id'>): Promise<boolean>;
  listNexthops(opts?: ListOptions): Promise<Nexthop[]>;

  addRule(r: Rule): Promise<void>;
  deleteRule(r: Rule): Promise<boolean>;
  listRules(opts?: ListOptions): Promise<Rule[]>;

  /** The SRv6 encapsulation source address of this namespace (`ip sr tunsrc`). */
  setTunnelSource(address: string): Promise<void>;
  getTunnelSource(): Promise<string>;

  links(): Promise<Link[]>;
  close(): void;
}

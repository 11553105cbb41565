/**
 * The allocations being worked on during one planning pass: loaded from the persisted
 * `Allocations`, changed chain by chain inside transactions (a chain that fails leaves no trace),
 * then swept (what no chain uses any more is released) and exported as plain data again.
 *
 * Numbers are handed out round-robin from a per-node cursor, so a released SID or slot is not
 * reused at once: during make-before-break the superseded instance (and its SID and legs) may still
 * exist on the node, and the agent spawns new instances before it removes old ones.
 */
import { MAX_CHAIN_ID, MAX_SLOT } from '../../agent/plan/ids.js';
import type { InstanceRef } from '../../model/chain.js';
import type { NodeRecord } from '../../model/node.js';
import type { Allocations, InstanceAllocation, NodeAllocations } from './allocations.js';
import { instanceId } from './instance-id.js';
import { chainOfOwner } from './owners.js';
import { type SidLayout, fidOf, reservedFids, sidLayout, sidOf } from './sid-layout.js';

export type Allocated<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

const ok = <T>(value: T): Allocated<T> => ({ ok: true, value });
const exhausted = <T>(message: string): Allocated<T> => ({ ok: false, message });

interface NodeBook {
  readonly name: string;
  readonly layout: SidLayout | undefined;
  readonly reserved: ReadonlySet<number>;
  readonly sidByFid: Map<number, { readonly owner: string; readonly sid: string }>;
  readonly fidByOwner: Map<string, number>;
  readonly chainIdOwner: Map<number, string>;
  readonly chainIdByOwner: Map<string, number>;
  readonly slotOwner: Map<number, string>;
  readonly idOwner: Map<string, string>;
  readonly instanceByOwner: Map<string, InstanceAllocation>;
  readonly next: { fid: number; chainId: number; slot: number };
  /** Owners whose SID, chain id or instance some chain of this pass uses. */
  readonly usedSids: Set<string>;
  readonly usedChainIds: Set<string>;
  readonly usedInstances: Set<string>;
}

/** First free number in lo..hi from `cursor` on, wrapping; undefined when every one is taken. */
function nextFree(taken: ReadonlyMap<number, unknown>, reserved: ReadonlySet<number>, lo: number, hi: number, cursor: number): number | undefined {
  let reservedInRange = 0;
  for (const r of reserved) if (r >= lo && r <= hi) reservedInRange++;
  const span = hi - lo + 1;
  if (taken.size + reservedInRange >= span) return undefined;
  let n = cursor < lo || cursor > hi ? lo : cursor;
  for (let i = 0; i < span; i++) {
    if (!taken.has(n) && !reserved.has(n)) return n;
    n = n === hi ? lo : n + 1;
  }
  return undefined;
}

const byFirst = (a: readonly [string, unknown], b: readonly [string, unknown]): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
const after = (n: number, lo: number, hi: number): number => (n >= hi ? lo : n + 1);
const NONE: ReadonlySet<number> = new Set();

export class AllocationBook {
  private readonly nodes = new Map<string, NodeBook>();
  /** Instance owner → the node holding it when the pass started (stickiness). */
  private readonly instanceHome = new Map<string, string>();
  /** Chains that held anything when the pass started (they are planned first). */
  private readonly knownChains = new Set<string>();
  /** Per chain, its instances when the pass started. */
  private readonly startInstances = new Map<string, InstanceRef[]>();
  private log: (() => void)[] | undefined;

  private constructor() {}

  /**
   * Loads the previous allocations for the registered nodes. Allocations of nodes that are gone
   * are dropped; SIDs of a node whose locator changed are dropped (they would lie outside it).
   */
  static load(prev: Allocations | undefined, nodes: readonly NodeRecord[], tunnelSource: (n: NodeRecord) => string | undefined): AllocationBook {
    const book = new AllocationBook();
    for (const node of [...nodes].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const layout = sidLayout(node.locator);
      const reserved = layout ? reservedFids(layout, tunnelSource(node)) : NONE;
      const p: NodeAllocations | undefined = prev?.nodes[node.name];
      const n: NodeBook = {
        name: node.name,
        layout,
        reserved,
        sidByFid: new Map(),
        fidByOwner: new Map(),
        chainIdOwner: new Map(),
        chainIdByOwner: new Map(),
        slotOwner: new Map(),
        idOwner: new Map(),
        instanceByOwner: new Map(),
        next: { fid: 1, chainId: 1, slot: 0 },
        usedSids: new Set(),
        usedChainIds: new Set(),
        usedInstances: new Set(),
      };
      book.nodes.set(node.name, n);
      if (!p) continue;
      if (layout && p.locator === layout.locator) {
        n.next.fid = p.next.fid;
        for (const [sid, owner] of Object.entries(p.sids)) {
          const fid = fidOf(layout, sid);
          if (fid === undefined || fid > layout.maxFid || reserved.has(fid) || n.sidByFid.has(fid) || n.fidByOwner.has(owner)) continue;
          n.sidByFid.set(fid, { owner, sid: sidOf(layout, fid) });
          n.fidByOwner.set(owner, fid);
          book.noteOwner(owner);
        }
      }
      n.next.chainId = p.next.chainId;
      n.next.slot = p.next.slot;
      for (const [owner, id] of Object.entries(p.chainIds)) {
        if (!Number.isInteger(id) || id < 1 || id > MAX_CHAIN_ID || n.chainIdOwner.has(id)) continue;
        n.chainIdOwner.set(id, owner);
        n.chainIdByOwner.set(owner, id);
        book.noteOwner(owner);
      }
      for (const [owner, inst] of Object.entries(p.instances)) {
        if (!Number.isInteger(inst.slot) || inst.slot < 0 || inst.slot > MAX_SLOT || n.slotOwner.has(inst.slot) || n.idOwner.has(inst.id)) continue;
        n.slotOwner.set(inst.slot, owner);
        n.idOwner.set(inst.id, owner);
        n.instanceByOwner.set(owner, { id: inst.id, slot: inst.slot });
        if (!book.instanceHome.has(owner)) book.instanceHome.set(owner, node.name);
        book.noteOwner(owner);
        book.noteInstance(n, owner, inst);
      }
    }
    return book;
  }

  private noteOwner(owner: string): void {
    const chain = chainOfOwner(owner);
    if (chain !== undefined) this.knownChains.add(chain);
  }

  private noteInstance(n: NodeBook, owner: string, inst: InstanceAllocation): void {
    const chain = chainOfOwner(owner);
    const prefix = `chain/${chain}/function/`;
    if (chain === undefined || !owner.startsWith(prefix)) return;
    const sid = (kind: string): string | undefined => {
      const fid = n.fidByOwner.get(`${owner}/${kind}`);
      return fid === undefined ? undefined : n.sidByFid.get(fid)!.sid;
    };
    const dx4 = sid('dx4');
    const dx6 = sid('dx6');
    const ref: InstanceRef = { function: owner.slice(prefix.length), node: n.name, id: inst.id, sids: { ...(dx4 ? { dx4 } : {}), ...(dx6 ? { dx6 } : {}) } };
    const list = this.startInstances.get(chain);
    if (list) list.push(ref);
    else this.startInstances.set(chain, [ref]);
  }

  /** The chain's instances when the pass started (node order). */
  instancesAtStart(chain: string): readonly InstanceRef[] {
    return this.startInstances.get(chain) ?? [];
  }

  /** Whether the chain held any allocation when the pass started. */
  isKnownChain(chain: string): boolean {
    return this.knownChains.has(chain);
  }

  /** The node that hosted this instance owner when the pass started. */
  homeOf(instanceOwner: string): string | undefined {
    return this.instanceHome.get(instanceOwner);
  }

  /** Instances allocated on the node (old ones not yet released included: they still run). */
  instanceCount(node: string): number {
    return this.nodes.get(node)?.instanceByOwner.size ?? 0;
  }

  /** The instance owner of an instance id on a node. */
  ownerOfInstanceId(node: string, id: string): string | undefined {
    return this.nodes.get(node)?.idOwner.get(id);
  }

  // --- transactions: one per chain ---------------------------------------------------------

  begin(): void {
    this.log = [];
  }

  commit(): void {
    this.log = undefined;
  }

  rollback(): void {
    const log = this.log ?? [];
    this.log = undefined;
    for (let i = log.length - 1; i >= 0; i--) log[i]!();
  }

  private undo(f: () => void): void {
    this.log?.push(f);
  }

  private use(used: Set<string>, owner: string): void {
    if (used.has(owner)) return;
    used.add(owner);
    this.undo(() => used.delete(owner));
  }

  private book(node: string): NodeBook {
    const n = this.nodes.get(node);
    if (!n) throw new Error(`planning: node ${node} is not registered`); // callers check first
    return n;
  }

  // --- allocation ----------------------------------------------------------------------------

  /** The owner's SID on the node: the one it has, or the next free one. */
  sid(node: string, owner: string): Allocated<string> {
    const n = this.book(node);
    const { layout } = n;
    if (!layout) return exhausted(`node ${node} has no usable IPv6 locator`);
    const have = n.fidByOwner.get(owner);
    if (have !== undefined) {
      this.use(n.usedSids, owner);
      return ok(n.sidByFid.get(have)!.sid);
    }
    const fid = nextFree(n.sidByFid, n.reserved, 1, layout.maxFid, n.next.fid);
    if (fid === undefined) return exhausted(`no free SID left in locator ${layout.locator} of node ${node} (${n.sidByFid.size} in use)`);
    const sid = sidOf(layout, fid);
    const cursor = n.next.fid;
    n.sidByFid.set(fid, { owner, sid });
    n.fidByOwner.set(owner, fid);
    n.next.fid = after(fid, 1, layout.maxFid);
    this.undo(() => {
      n.sidByFid.delete(fid);
      n.fidByOwner.delete(owner);
      n.next.fid = cursor;
    });
    this.use(n.usedSids, owner);
    return ok(sid);
  }

  /** The chain's id on the node (1..MAX_CHAIN_ID). */
  chainId(node: string, owner: string): Allocated<number> {
    const n = this.book(node);
    const have = n.chainIdByOwner.get(owner);
    if (have !== undefined) {
      this.use(n.usedChainIds, owner);
      return ok(have);
    }
    const id = nextFree(n.chainIdOwner, NONE, 1, MAX_CHAIN_ID, n.next.chainId);
    if (id === undefined) return exhausted(`no free chain id left on node ${node}`);
    const cursor = n.next.chainId;
    n.chainIdOwner.set(id, owner);
    n.chainIdByOwner.set(owner, id);
    n.next.chainId = after(id, 1, MAX_CHAIN_ID);
    this.undo(() => {
      n.chainIdOwner.delete(id);
      n.chainIdByOwner.delete(owner);
      n.next.chainId = cursor;
    });
    this.use(n.usedChainIds, owner);
    return ok(id);
  }

  /** The instance's id and slot on the node. */
  instance(node: string, owner: string, chain: string, fn: string): Allocated<InstanceAllocation> {
    const n = this.book(node);
    const have = n.instanceByOwner.get(owner);
    if (have !== undefined) {
      this.use(n.usedInstances, owner);
      return ok(have);
    }
    const slot = nextFree(n.slotOwner, NONE, 0, MAX_SLOT, n.next.slot);
    if (slot === undefined) return exhausted(`no free instance slot left on node ${node} (${MAX_SLOT + 1} in use)`);
    const id = instanceId(chain, fn, (x) => n.idOwner.has(x));
    const inst: InstanceAllocation = { id, slot };
    const cursor = n.next.slot;
    n.slotOwner.set(slot, owner);
    n.idOwner.set(id, owner);
    n.instanceByOwner.set(owner, inst);
    n.next.slot = after(slot, 0, MAX_SLOT);
    this.undo(() => {
      n.slotOwner.delete(slot);
      n.idOwner.delete(id);
      n.instanceByOwner.delete(owner);
      n.next.slot = cursor;
    });
    this.use(n.usedInstances, owner);
    return ok(inst);
  }

  // --- release -----------------------------------------------------------------------------

  /**
   * Releases everything of chains that are no longer declared, before planning: a deleted chain
   * needs no make-before-break, so its numbers may serve this very pass (round robin still prefers
   * never-used ones; they are only reused here when the space is otherwise exhausted).
   */
  releaseChains(gone: (chain: string) => boolean): void {
    const isGone = (owner: string): boolean => {
      const chain = chainOfOwner(owner);
      return chain !== undefined && gone(chain);
    };
    for (const n of this.nodes.values()) {
      for (const [fid, { owner }] of n.sidByFid) {
        if (!isGone(owner)) continue;
        n.sidByFid.delete(fid);
        n.fidByOwner.delete(owner);
      }
      for (const [id, owner] of n.chainIdOwner) {
        if (!isGone(owner)) continue;
        n.chainIdOwner.delete(id);
        n.chainIdByOwner.delete(owner);
      }
      for (const [owner, inst] of n.instanceByOwner) {
        if (!isGone(owner)) continue;
        n.instanceByOwner.delete(owner);
        n.slotOwner.delete(inst.slot);
        n.idOwner.delete(inst.id);
      }
    }
  }

  // --- end of pass ---------------------------------------------------------------------------

  /**
   * Releases every allocation no chain of this pass used, except those of chains kept as they were
   * (`keepChain`: a chain that failed keeps its last good state) and SIDs that kept state still
   * points at (`keepSid`: e.g. the egress decap SID in a failed chain's last segment list).
   */
  sweep(keepChain: (chain: string) => boolean, keepSid: (sid: string) => boolean): void {
    const keep = (used: ReadonlySet<string>, owner: string): boolean => {
      if (used.has(owner)) return true;
      const chain = chainOfOwner(owner);
      return chain !== undefined && keepChain(chain);
    };
    for (const n of this.nodes.values()) {
      for (const [fid, { owner, sid }] of n.sidByFid) {
        if (keep(n.usedSids, owner) || keepSid(sid)) continue;
        n.sidByFid.delete(fid);
        n.fidByOwner.delete(owner);
      }
      for (const [id, owner] of n.chainIdOwner) {
        if (keep(n.usedChainIds, owner)) continue;
        n.chainIdOwner.delete(id);
        n.chainIdByOwner.delete(owner);
      }
      for (const [owner, inst] of n.instanceByOwner) {
        if (keep(n.usedInstances, owner)) continue;
        n.instanceByOwner.delete(owner);
        n.slotOwner.delete(inst.slot);
        n.idOwner.delete(inst.id);
      }
      n.usedSids.clear();
      n.usedChainIds.clear();
      n.usedInstances.clear();
    }
  }

  /** The node's SIDs whose owner matches, in function id order. */
  sidsOf(node: string, match: (owner: string) => boolean): { readonly owner: string; readonly sid: string }[] {
    const n = this.nodes.get(node);
    if (!n) return [];
    return [...n.sidByFid.entries()]
      .filter(([, e]) => match(e.owner))
      .sort((a, b) => a[0] - b[0])
      .map(([, e]) => e);
  }

  /** Plain data, keys in a stable order (function id, owner), ready to persist. */
  export(): Allocations {
    const nodes: Record<string, NodeAllocations> = {};
    for (const n of this.nodes.values()) {
      const sids: Record<string, string> = {};
      for (const [, e] of [...n.sidByFid.entries()].sort((a, b) => a[0] - b[0])) sids[e.sid] = e.owner;
      const chainIds: Record<string, number> = {};
      for (const [owner, id] of [...n.chainIdByOwner.entries()].sort(byFirst)) chainIds[owner] = id;
      const instances: Record<string, InstanceAllocation> = {};
      for (const [owner, inst] of [...n.instanceByOwner.entries()].sort(byFirst)) instances[owner] = inst;
      nodes[n.name] = { locator: n.layout?.locator ?? '', sids, chainIds, instances, next: { ...n.next } };
    }
    return { nodes };
  }
}

/**
 * A world of fake nodes for the controller's reconcile tests: each node's agent is the real agent
 * `Reconciler` over a `FakeDataplane` (kernel semantics) and a `FakeRuntime`, so the controller's
 * effects are checked on fake kernels, not on call sequences. Plus a packet walk: from every
 * ingress nexthop, follow SIDs through instances and their static proxies to the egress, as the
 * kernel would forward a packet — the make-before-break invariant is that no walk ever reaches a
 * SID that does not exist. And a walk over the intents the agents hold (both families, forward and
 * NAT return paths): after every apply, every programmed chain reaches its exit without visiting an
 * instance twice (a reorder must never loop packets between static proxies).
 */
import type { ApplyOptions, NodeInfo } from '../../../../src/agent/agent-core.js';
import type { EdgeChain, NodeIntent } from '../../../../src/agent/intent/node-intent.js';
import { FakeEdgeFirewall } from '../../../../src/agent/reconcile/edge-firewall.js';
import { MemoryIntentStore } from '../../../../src/agent/reconcile/intent-store.js';
import { Reconciler } from '../../../../src/agent/reconcile/reconciler.js';
import type { AgentEvent, ApplyResult, ObservedState, OpCounts } from '../../../../src/agent/reconcile/types.js';
import { FakeRuntime } from '../../../../src/agent/runtimes/fake-runtime.js';
import { canonicalAddress, parseIPv6, parsePrefix } from '../../../../src/common/ip.js';
import { ChainRegistry } from '../../../../src/controller/chains/chain-registry.js';
import { NodeRegistry } from '../../../../src/controller/nodes/node-registry.js';
import type { AgentDirectory, NodeAgent } from '../../../../src/controller/reconcile/agents.js';
import { WorldReconciler, type WorldReconcilerOptions } from '../../../../src/controller/reconcile/world-reconciler.js';
import { MemoryStore } from '../../../../src/controller/store/store.js';
import type { Store } from '../../../../src/controller/store/store.js';
import { FakeDataplane } from '../../../../src/dataplane/fake/fake-dataplane.js';
import type { ChainFunction, ChainSpec } from '../../../../src/model/chain.js';
import type { NodeRecord } from '../../../../src/model/node.js';
import { FEATURES } from '../planning/fixtures.js';

// Quiet unless asked for (the reconciler logs every retry and agent failure the tests provoke).
process.env.SFC_LOG_LEVEL ??= 'silent';

export interface ApplyRecord {
  readonly node: string;
  readonly intent: NodeIntent;
  readonly ops: OpCounts;
}

const unavailable = (node: string) => Object.assign(new Error(`14 UNAVAILABLE: connect ECONNREFUSED (${node})`), { code: 14, details: `connect ECONNREFUSED (${node})` });

export class FakeAgent implements NodeAgent {
  readonly dp = new FakeDataplane({ links: ['lo', 'eth0', 'eth1'] });
  readonly runtime = new FakeRuntime();
  readonly store = new MemoryIntentStore();
  rec: Reconciler;
  reachable = true;
  /** Runs before each (non-dry-run) apply reaches the agent: to race things against a pass. */
  beforeApply?: (intent: NodeIntent) => void | Promise<void>;

  constructor(
    readonly record: Omit<NodeRecord, 'state' | 'lastHeartbeat'>,
    private readonly world: FakeWorld,
  ) {
    // The fake runtime's legs appear as interfaces in the fake kernel, as veths would.
    const spawn = this.runtime.spawn.bind(this.runtime);
    this.runtime.spawn = async (spec) => {
      const s = await spawn(spec);
      this.dp.addLink(s.attachment.inDev);
      this.dp.addLink(s.attachment.outDev);
      return s;
    };
    const destroy = this.runtime.destroy.bind(this.runtime);
    this.runtime.destroy = async (id) => {
      const s = (await this.runtime.list()).find((x) => x.id === id);
      const had = await destroy(id);
      if (s) for (const d of new Set([s.attachment.inDev, s.attachment.outDev])) this.dp.removeLink(d);
      return had;
    };
    this.rec = this.makeReconciler();
    void this.rec.start(); // forwards the runtime's exit events; nothing saved to adopt yet
  }

  private makeReconciler(): Reconciler {
    return new Reconciler({ dp: this.dp, runtime: this.runtime, edge: new FakeEdgeFirewall(), store: this.store, locator: this.record.locator });
  }

  /** The agent process restarts: a new reconciler adopts what the kernel and the intent store have. */
  async restart(): Promise<void> {
    this.rec.stop();
    this.rec = this.makeReconciler();
    await this.rec.start();
  }

  async apply(intent: NodeIntent, options: ApplyOptions = { validateOnly: false }): Promise<ApplyResult> {
    if (!this.reachable) throw unavailable(this.record.name);
    if (options.validateOnly) return this.rec.apply(intent, options);
    const name = this.record.name;
    // In flight from the call on (synchronously: every push of a step is registered before any
    // lands), until it returns: it may land before or after any other apply in flight.
    this.world.inFlight.set(name, intent);
    try {
      await this.beforeApply?.(intent);
      this.world.checkIntentWalks(`while ${name} applies generation ${intent.generation}`);
      const r = await this.rec.apply(intent, options);
      this.world.applies.push({ node: name, intent, ops: r.ops });
      await this.world.checkWalks(`after ${name} applied generation ${intent.generation}`);
      this.world.checkIntentWalks(`after ${name} applied generation ${intent.generation}`);
      return r;
    } finally {
      this.world.inFlight.delete(name);
    }
  }

  async observed(): Promise<ObservedState> {
    if (!this.reachable) throw unavailable(this.record.name);
    return this.rec.observed();
  }

  async node(): Promise<NodeInfo> {
    const { name, address, locator, features, runtimes } = this.record;
    return { name, address, locator, features, runtimes, interfaces: await this.dp.links() };
  }

  watch(listener: (e: AgentEvent) => void): { stop(): void } {
    return { stop: this.rec.onEvent(listener) };
  }

  /** Kernel and runtime operations so far. */
  get kernelOps(): number {
    return this.dp.opsPerformed + this.runtime.opsPerformed;
  }
}

function inPrefix(address: string, prefix: string): boolean {
  const p = parsePrefix(prefix);
  const a = parseIPv6(address);
  for (let bit = 0; bit < p.length; bit++) {
    const mask = 0x80 >> bit % 8;
    if ((a[bit >> 3]! & mask) !== (p.bytes[bit >> 3]! & mask)) return false;
  }
  return true;
}

export interface Walk {
  /** `node/instance` per function traversed, in order. */
  readonly hops: readonly string[];
  /** The node that decapsulated (the egress). */
  readonly exit: string;
}

/** A chain's path through the instances as the nodes' intents define it. */
export interface IntentWalk {
  readonly chain: string;
  readonly direction: 'forward' | 'return';
  readonly family: 4 | 6;
  /** `node/instance` per instance traversed, in order. */
  readonly hops: readonly string[];
  /** The node whose local SID ends the walk (the egress decap SID; the ingress's, for replies). */
  readonly exit?: string;
  /** Why the walk did not reach an exit: a loop, a SID no node holds, an instance without proxy. */
  readonly fault?: string;
}

const familyOf = (prefix: string): 4 | 6 => (prefix.includes(':') ? 6 : 4);
const key = (sid: string): string => canonicalAddress(sid.replace(/\/128$/, ''));

export class FakeWorld {
  readonly agents = new Map<string, FakeAgent>();
  readonly applies: ApplyRecord[] = [];
  /** A packet walk that reached a missing SID (make before break violated). */
  readonly dangling: string[] = [];
  /** Kernel walks that looped (static proxies pointing at each other: a reorder must never cause one). */
  readonly loops: string[] = [];
  readonly directory: AgentDirectory = { agent: (n) => this.agent(n.name) };
  /** Intent walks that looped or dangled (after which apply, which chain). */
  readonly intentFaults: string[] = [];
  /** Applies called and not returned yet, by node. */
  readonly inFlight = new Map<string, NodeIntent>();
  /** Every intent walk taken after an apply (to check they were taken at all). */
  readonly intentWalksTaken: IntentWalk[] = [];

  add(name: string, locator: string, opts: { functions?: boolean } = {}): FakeAgent {
    const record = {
      name,
      address: `unix:/run/${name}.sock`,
      locator,
      labels: {},
      features: FEATURES,
      runtimes: opts.functions ? ['netns'] : [],
      interfaces: ['lo', 'eth0', 'eth1'],
      coreInterface: 'eth0',
    };
    const a = new FakeAgent(record, this);
    this.agents.set(name, a);
    return a;
  }

  agent(name: string): FakeAgent {
    const a = this.agents.get(name);
    if (!a) throw new Error(`no fake agent ${name}`);
    return a;
  }

  get kernelOps(): number {
    return [...this.agents.values()].reduce((n, a) => n + a.kernelOps, 0);
  }

  private ownerOf(sid: string): FakeAgent | undefined {
    return [...this.agents.values()].find((a) => inPrefix(sid, a.record.locator));
  }

  /** Follows a packet from `segments` (IPv4 traffic) until it is decapsulated for good. */
  async walk(segments: readonly string[]): Promise<Walk> {
    const hops: string[] = [];
    let list = segments;
    for (let n = 0; n < 16; n++) {
      const sid = list[0];
      if (sid === undefined) throw new Error('empty segment list');
      const agent = this.ownerOf(sid);
      if (!agent) throw new Error(`SID ${sid} is in no node's locator`);
      const route = (await agent.dp.listRoutes({ family: 6 })).find((r) => r.dst === `${sid}/128` && r.encap?.type === 'seg6local');
      if (!route) throw new Error(`SID ${sid} does not exist on ${agent.record.name}`);
      // A multi-SID list would continue with End; static proxies push one SID (encap.red).
      if (list.length > 1) throw new Error(`unexpected segment list of ${list.length} SIDs: ${list.join(', ')}`);
      const instance = (await agent.runtime.list()).find((i) => i.attachment.inDev === route.dev);
      if (!instance) return { hops, exit: agent.record.name };
      if (instance.state !== 'running') throw new Error(`instance ${instance.id} on ${agent.record.name} is not running`);
      hops.push(`${agent.record.name}/${instance.id}`);
      const rule = (await agent.dp.listRules({ family: 4 })).find((r) => r.iif === instance.attachment.outDev);
      if (!rule) throw new Error(`no proxy rule for ${instance.id} on ${agent.record.name}`);
      const back = (await agent.dp.listRoutes({ family: 4 })).find((r) => r.table === rule.table && r.encap?.type === 'seg6');
      if (!back || back.encap?.type !== 'seg6') throw new Error(`no proxy route for ${instance.id} on ${agent.record.name}`);
      list = back.encap.segments;
    }
    throw new LoopError(`${hops.join(' → ')} → ...`);
  }

  /** Per instance of the node, what its static proxy pushes (read from the kernel: iif rule → table → route). */
  async proxies(node: string): Promise<Record<string, readonly string[]>> {
    const a = this.agent(node);
    const out: Record<string, readonly string[]> = {};
    const [rules, routes] = [await a.dp.listRules({ family: 4 }), await a.dp.listRoutes({ family: 4 })];
    for (const i of await a.runtime.list()) {
      const rule = rules.find((r) => r.iif === i.attachment.outDev);
      const route = routes.find((r) => r.table === rule?.table && r.encap?.type === 'seg6');
      if (route?.encap?.type === 'seg6') out[i.id] = route.encap.segments;
    }
    return out;
  }

  /** Walks of every chain programmed at every ingress (IPv4 nexthops), by `node/nexthop id`. */
  async walks(): Promise<Map<string, Walk>> {
    const out = new Map<string, Walk>();
    for (const a of this.agents.values()) {
      for (const nh of await a.dp.listNexthops({ family: 4 })) {
        if (nh.encap?.type === 'seg6') out.set(`${a.record.name}/${nh.id}`, await this.walk(nh.encap.segments));
      }
    }
    return out;
  }

  async checkWalks(when: string): Promise<void> {
    for (const a of this.agents.values()) {
      for (const nh of await a.dp.listNexthops({ family: 4 })) {
        if (nh.encap?.type !== 'seg6') continue;
        try {
          await this.walk(nh.encap.segments);
        } catch (e) {
          (e instanceof LoopError ? this.loops : this.dangling).push(`${when}: ${a.record.name} nexthop ${nh.id}: ${(e as Error).message}`);
        }
      }
    }
  }

  /** What each node holds now: the intent its agent last applied. */
  intents(): Map<string, NodeIntent> {
    const out = new Map<string, NodeIntent>();
    for (const [n, a] of this.agents) if (a.store.intent) out.set(n, a.store.intent);
    return out;
  }

  /**
   * Every programmed chain's paths over the intents the nodes hold: per edge chain (forward at
   * the ingress, NAT return at the egress) and per family of its classifiers, from the edge's
   * first SID to the instance that holds it, then its proxy's continuation (forward) or reverse
   * list (return), until a node's local SID (a decap SID) ends it.
   */
  intentWalks(intents: ReadonlyMap<string, NodeIntent> = this.intents()): IntentWalk[] {
    // SID → where it leads: into an instance (by its in leg, or by its out leg: a NAT's return SID) or a local SID.
    const into = new Map<string, { node: string; instance: string; leg: 'in' | 'out' } | { node: string; local: true }>();
    for (const [node, intent] of intents) {
      for (const i of intent.instances ?? []) {
        for (const s of [i.sids.dx4, i.sids.dx6]) if (s !== undefined) into.set(key(s), { node, instance: i.id, leg: 'in' });
        for (const s of [i.returnSids?.dx4, i.returnSids?.dx6]) if (s !== undefined) into.set(key(s), { node, instance: i.id, leg: 'out' });
      }
      for (const l of intent.localSids ?? []) into.set(key(l.sid), { node, local: true });
    }
    const out: IntentWalk[] = [];
    for (const [, intent] of intents) {
      for (const e of intent.edgeChains ?? []) {
        const direction = e.direction ?? 'forward';
        for (const family of new Set(e.classifiers.map((c) => familyOf(c.dst)))) out.push(walkIntents(intents, into, e, direction, family));
      }
    }
    return out;
  }

  /**
   * Walks the intents the nodes hold, and the same with every subset of the applies in flight
   * landed (pushes sent at once land in any order; a sequence that is loop-free only in the
   * order the fake agents happen to answer in is not).
   */
  checkIntentWalks(when: string): void {
    const held = this.intents();
    const pending = [...this.inFlight].filter(([n, i]) => held.get(n) !== i);
    for (const w of this.intentWalks(held)) this.intentWalksTaken.push(w);
    const subsets = pending.length <= 8 ? 2 ** pending.length : 1;
    for (let mask = 0; mask < subsets; mask++) {
      const state = new Map(held);
      const landed = pending.filter((_, k) => (mask >> k) & 1);
      for (const [n, i] of landed) state.set(n, i);
      const also = landed.length > 0 ? ` (had ${landed.map(([n]) => n).join(', ')} landed)` : '';
      for (const w of this.intentWalks(state)) {
        const fault = `${when}${also}: ${w.chain} ${w.direction} IPv${w.family}: ${w.fault}`;
        if (w.fault !== undefined && !this.intentFaults.includes(fault)) this.intentFaults.push(fault);
      }
    }
  }
}

function walkIntents(
  intents: ReadonlyMap<string, NodeIntent>,
  into: ReadonlyMap<string, { node: string; instance: string; leg: 'in' | 'out' } | { node: string; local: true }>,
  e: EdgeChain,
  direction: 'forward' | 'return',
  family: 4 | 6,
): IntentWalk {
  const hops: string[] = [];
  const base = { chain: e.chain, direction, family, hops };
  let sid = (family === 6 ? (e.segmentsIpv6 ?? e.segments) : e.segments)[0];
  for (;;) {
    if (sid === undefined) return { ...base, fault: `empty list after ${hops.join(' → ') || 'the edge'}` };
    const to = into.get(key(sid));
    if (to === undefined) return { ...base, fault: `SID ${sid} is held by no node (after ${hops.join(' → ') || 'the edge'})` };
    if ('local' in to) return { ...base, exit: to.node };
    const hop = `${to.node}/${to.instance}`;
    if (hops.includes(hop)) return { ...base, fault: `loop: ${[...hops, hop].join(' → ')}` };
    hops.push(hop);
    const p = intents.get(to.node)?.proxies?.find((x) => x.instance === to.instance);
    if (p === undefined) return { ...base, fault: `${hop} has no proxy` };
    // What entered by the in leg leaves by the out leg (the continuation); by the out leg, the in leg (reverse).
    const list = to.leg === 'in' ? (family === 6 ? (p.continuationIpv6 ?? p.continuation) : p.continuation) : family === 6 ? p.reverse?.ipv6 : p.reverse?.ipv4;
    sid = list?.[0];
  }
}

class LoopError extends Error {}

// --- the controller around a fake world --------------------------------------------------------

export const fn = (name: string, node: string, type: ChainFunction['type'] = 'monitor'): ChainFunction => ({ name, type, placement: { node } });

export function spec(functions: readonly ChainFunction[], dst = '10.2.0.0/24'): ChainSpec {
  return { ingress: { node: 'edge1', match: { destinations: [dst] } }, egress: { node: 'edge2' }, functions };
}

export interface Controller {
  readonly store: Store;
  readonly chains: ChainRegistry;
  readonly nodes: NodeRegistry;
  readonly reconciler: WorldReconciler;
}

/** A controller (registries + reconciler) over `store`; its clock ticks one second per reading. */
export function controller(world: FakeWorld, store: Store = new MemoryStore(), options: WorldReconcilerOptions = {}): Controller {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const now = () => new Date((t += 1000));
  const chains = new ChainRegistry(store, () => [], () => now().toISOString());
  const nodes = new NodeRegistry(store, now);
  const reconciler = new WorldReconciler(store, chains, nodes, world.directory, {
    resyncMs: 0,
    backoff: { baseMs: 20, maxMs: 200 },
    verify: { attempts: 3, delayMs: 1 },
    now,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    ...options,
  });
  return { store, chains, nodes, reconciler };
}

/** The standard world: edge1 → fn1/fn2 → edge2, registered with the controller. */
export async function standardWorld(): Promise<{ world: FakeWorld; c: Controller }> {
  const world = new FakeWorld();
  world.add('edge1', 'fc00:1::/48');
  world.add('edge2', 'fc00:2::/48');
  world.add('fn1', 'fc00:a::/48', { functions: true });
  world.add('fn2', 'fc00:b::/48', { functions: true });
  const c = controller(world);
  for (const a of world.agents.values()) await c.nodes.register(a.record);
  return { world, c };
}

export const changedOps = (o: OpCounts): number => o.created + o.replaced + o.deleted;

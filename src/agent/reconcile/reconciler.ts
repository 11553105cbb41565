/**
 * The node agent's level-based reconciler: desired intent vs the owned kernel state and running
 * instances, converged in dependency order (instances and their SIDs, then nexthops, then classifiers;
 * the reverse on removal). Idempotent: an unchanged intent performs 0 operations. Applies are
 * serialized; the last intent is persisted and re-applied by resync (drift) and after a restart
 * (adoption: what is already right is left alone, so traffic never stops).
 *
 * Instance operations (spawn, respawn, reconfigure, destroy) of one apply overlap, at most
 * `spawnConcurrency` at once (bounded.ts): a 10-function chain on one node does not wait for ten
 * spawns one after another. Each still succeeds or fails on its own, and the phases stay ordered
 * (every instance operation of step 1 settles before the SIDs that point into the instances).
 */
import { ConflictError } from '../../common/errors.js';
import type { Dataplane } from '../../dataplane/dataplane.js';
import type { NodeIntent, InstanceSpec } from '../intent/node-intent.js';
import type { DynamicProxyPort } from '../proxy/dynamic/agent-proxy.js';
import { planNode, type NodePlan } from '../plan/plan-node.js';
import { rulesetHash } from '../plan/edge-ruleset.js';
import type { InstanceStatus, Runtime } from '../runtimes/runtime.js';
import type { EdgeFirewall } from './edge-firewall.js';
import type { IntentStore } from './intent-store.js';
import { DEFAULT_SPAWN_CONCURRENCY, forEachBounded } from './bounded.js';
import { kernelDiff } from './kernel-diff.js';
import type { AgentEvent, ApplyResult, ItemResult, ObservedState, OpCounts } from './types.js';

export interface ReconcilerDeps {
  readonly dp: Dataplane;
  readonly runtime: Runtime;
  readonly edge: EdgeFirewall;
  readonly store: IntentStore;
  /** The node's locator: every SID must be inside it. */
  readonly locator: string;
  /**
   * Most instance operations (spawn, respawn, reconfigure, destroy) running at once (default 4).
   * The runtime must be able to run that many: the netns runtime needs as many job shells.
   */
  readonly spawnConcurrency?: number;
  /**
   * The dynamic (eBPF) proxy. Absent: dynamic proxy items are refused (DYNAMIC_PROXY_UNAVAILABLE)
   * and nothing BPF is touched.
   */
  readonly dynamicProxy?: DynamicProxyPort;
}

type InstanceAction = { kind: 'spawn' | 'respawn' | 'reconfigure'; spec: InstanceSpec } | { kind: 'keep'; spec: InstanceSpec };

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** What to do with each desired instance given the running ones (pure). */
export function instanceActions(desired: readonly InstanceSpec[], running: ReadonlyMap<string, InstanceStatus>): InstanceAction[] {
  return desired.map((spec) => {
    const have = running.get(spec.id);
    if (!have) return { kind: 'spawn', spec };
    if (have.state !== 'running' || have.spec.slot !== spec.slot || have.spec.legs !== spec.legs) return { kind: 'respawn', spec };
    if (!sameJson(have.spec.function, spec.function)) return { kind: 'reconfigure', spec };
    return { kind: 'keep', spec };
  });
}

/** What an action occupies: its slot, and the slot a respawn moves it out of. Actions sharing one run in list order. */
function slotKeys(a: InstanceAction, running: ReadonlyMap<string, InstanceStatus>): string[] {
  const keys = [`slot ${a.spec.slot}`];
  const was = running.get(a.spec.id)?.spec.slot;
  if (was !== undefined && was !== a.spec.slot) keys.push(`slot ${was}`);
  return keys;
}

export class Reconciler {
  private last?: NodeIntent;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly totals: OpCounts = { created: 0, replaced: 0, deleted: 0, unchanged: 0 };
  private readonly listeners = new Set<(e: AgentEvent) => void>();
  private unsubscribeRuntime?: () => void;

  private readonly concurrency: number;

  constructor(private readonly deps: ReconcilerDeps) {
    this.concurrency = deps.spawnConcurrency ?? DEFAULT_SPAWN_CONCURRENCY;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new RangeError(`spawnConcurrency must be a whole number >= 1, not ${this.concurrency}`);
  }

  /** Loads the persisted intent and re-applies it: adopts what a previous agent process left. */
  async start(): Promise<ApplyResult | undefined> {
    this.unsubscribeRuntime = this.deps.runtime.onEvent((e) => this.emit({ type: 'instanceExited', instance: e.id, reason: e.reason }));
    const intent = await this.deps.store.load();
    if (!intent) return undefined;
    return this.apply(intent);
  }

  stop(): void {
    this.unsubscribeRuntime?.();
  }

  get generation(): number {
    return this.last?.generation ?? 0;
  }

  onEvent(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(e: AgentEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** Operations performed since start, over every apply and resync (dry runs excluded). */
  get operationTotals(): OpCounts {
    return { ...this.totals };
  }

  /** Applies a full intent (serialized with every other apply and resync). An older generation is refused. */
  apply(intent: NodeIntent, opts: { validateOnly?: boolean } = {}): Promise<ApplyResult> {
    return this.serialized(() => this.run(intent, opts.validateOnly ?? false));
  }

  /**
   * Re-applies the last intent: corrects drift (a route removed by hand comes back) and reports it.
   *
   * The last intent is read when the resync's turn in the queue comes, not when the timer fires.
   * The controller's make-before-break sends several intents of ONE generation (union, switch,
   * final): a resync that took the union or switch intent while the next step's apply was in
   * flight re-applied it after that apply, undoing it under the very generation the controller
   * believes the node holds — so nothing ever re-sent it (a deleted chain's decap SID left for
   * good, a new chain's ingress steering dropped). An older generation was refused, but noisily.
   */
  async resync(): Promise<ApplyResult | undefined> {
    const result = await this.serialized(async () => (this.last ? this.run(this.last, false) : undefined));
    if (!result) return undefined;
    const changed = result.ops.created + result.ops.replaced + result.ops.deleted;
    if (changed > 0) {
      this.emit({ type: 'driftCorrected', ops: result.ops, details: result.items.filter((i) => !i.ok).map((i) => `${i.kind} ${i.key}: ${i.message}`) });
    }
    await this.emitCounters();
    return result;
  }

  /** Runs `work` after every apply and resync queued before it. */
  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async run(intent: NodeIntent, validateOnly: boolean): Promise<ApplyResult> {
    const result = await this.converge(intent, validateOnly);
    if (!validateOnly) for (const k of ['created', 'replaced', 'deleted', 'unchanged'] as const) this.totals[k] += result.ops[k];
    return result;
  }

  private async emitCounters(): Promise<void> {
    const sids = [];
    for (const r of await this.deps.dp.listRoutes({ family: 6 })) {
      if (r.encap?.type === 'seg6local' && r.encap.counters) sids.push({ sid: r.dst.replace(/\/128$/, ''), ...r.encap.counters });
    }
    if (sids.length > 0) this.emit({ type: 'counters', sids });
  }

  async observed(): Promise<ObservedState> {
    const { dp, runtime } = this.deps;
    const [routes, nexthops, rules, instances, tunnelSource] = await Promise.all([dp.listRoutes(), dp.listNexthops(), dp.listRules(), runtime.list(), dp.getTunnelSource()]);
    return { generation: this.generation, routes, nexthops, rules, instances, tunnelSource };
  }

  private async convergeDynamicProxy(plan: NodePlan, validateOnly: boolean, ops: OpCounts, fail: (r: ItemResult) => void): Promise<void> {
    const proxy = this.deps.dynamicProxy;
    if (!proxy) {
      for (const l of plan.dynamicProxy.legs) fail({ ...l.item, ok: false, reason: 'DYNAMIC_PROXY_UNAVAILABLE', message: 'this agent has no dynamic (eBPF) proxy' });
      return;
    }
    // Links again: instances spawned in this apply brought new legs (and respawned ones new ifindexes).
    const result = await proxy.converge(plan.dynamicProxy, await this.deps.dp.links(), validateOnly);
    for (const k of ['created', 'replaced', 'deleted', 'unchanged'] as const) ops[k] += result.ops[k];
    for (const f of result.failed) fail(f);
  }

  private async converge(intent: NodeIntent, validateOnly: boolean): Promise<ApplyResult> {
    const { dp, runtime, edge } = this.deps;
    if (this.last && intent.generation < this.last.generation) {
      throw new ConflictError(`intent generation ${intent.generation} is older than the applied ${this.last.generation}`, 'STALE_GENERATION');
    }
    const ops: OpCounts = { created: 0, replaced: 0, deleted: 0, unchanged: 0 };
    const failed = new Map<string, ItemResult>();
    const fail = (r: ItemResult) => failed.set(`${r.kind}|${r.key}`, r);

    const links = new Set((await dp.links()).map((l) => l.name));
    let plan = planNode(intent, { locator: this.deps.locator, links });

    // 1. Instances: spawn or repair what the intent wants, before the SIDs that point into them.
    const running = new Map((await runtime.list()).map((s) => [s.id, s]));
    const actions = instanceActions(plan.instances, running);
    for (const a of actions) if (a.kind === 'keep') ops.unchanged++;
    const changes = actions.filter((a) => a.kind !== 'keep');
    if (!validateOnly) {
      // Independent instances in parallel (bounded); each failure is that instance's own.
      await forEachBounded(
        changes,
        this.concurrency,
        async (a) => {
          try {
            if (a.kind === 'reconfigure') await runtime.reconfigure(a.spec);
            else {
              if (a.kind === 'respawn') await runtime.destroy(a.spec.id);
              await runtime.spawn(a.spec);
            }
            if (a.kind === 'spawn') ops.created++;
            else ops.replaced++;
          } catch (e) {
            fail({ kind: 'instance', key: a.spec.id, ok: false, reason: 'RUNTIME_FAILED', message: e instanceof Error ? e.message : String(e) });
          }
        },
        (a) => slotKeys(a, running),
      );
      plan = withoutFailedInstances(plan, failed);
    } else {
      for (const a of changes) {
        if (a.kind === 'spawn') ops.created++;
        else ops.replaced++;
      }
    }

    // 2. Node-wide settings.
    if (plan.tunnelSource !== undefined) {
      const have = await dp.getTunnelSource();
      if (have === plan.tunnelSource) ops.unchanged++;
      else {
        if (!validateOnly) await dp.setTunnelSource(plan.tunnelSource);
        if (have === '::') ops.created++;
        else ops.replaced++;
      }
    }
    const haveEdge = await edge.currentHash();
    if (plan.edgeRuleset !== undefined) {
      if (haveEdge === rulesetHash(plan.edgeRuleset)) ops.unchanged++;
      else {
        if (!validateOnly) {
          try {
            await edge.install(plan.edgeRuleset);
          } catch (e) {
            fail({ kind: 'edge', key: 'edge', ok: false, reason: 'KERNEL_REFUSED', message: `nft: ${e instanceof Error ? e.message : String(e)}` });
          }
        }
        if (haveEdge === undefined) ops.created++;
        else ops.replaced++;
      }
    } else if (haveEdge !== undefined) {
      if (!validateOnly) await edge.remove();
      ops.deleted++;
    }

    // 3. Kernel objects: creates and replaces in dependency order, then removals in reverse.
    const [routes, nexthops, rules] = await Promise.all([dp.listRoutes(), dp.listNexthops(), dp.listRules()]);
    const diff = kernelDiff(plan, { routes, nexthops, rules }, dp.protocol);
    ops.unchanged += diff.unchanged;
    if (validateOnly) {
      ops.created += diff.created;
      ops.replaced += diff.replaced;
      ops.deleted += diff.remove.length + [...running.keys()].filter((id) => !plan.instances.some((s) => s.id === id)).length;
      await this.convergeDynamicProxy(plan, true, ops, fail);
    } else {
      for (const phase of diff.phases) {
        const results = await dp.apply(phase.ops);
        results.forEach((r, i) => {
          if (r.ok) {
            if (phase.ops[i]!.op === 'add') ops.created++;
            else ops.replaced++;
          } else fail({ ...phase.items[i]!, ok: false, reason: 'KERNEL_REFUSED', message: r.error.message });
        });
      }
      // The dynamic proxy's map entries and tc filters: the SIDs' routes and the legs exist now.
      await this.convergeDynamicProxy(plan, false, ops, fail);
      // A deletion that finds its object gone (routes flushed with their nexthop) is not counted.
      if (diff.remove.length) ops.deleted += (await dp.apply(diff.remove)).filter((r) => r.ok).length;
      // 4. Instances nobody wants any more, after the SIDs that pointed into them are gone: in
      // parallel (bounded); a failed destroy fails the apply once every other one has settled.
      const wanted = new Set(plan.instances.map((s) => s.id));
      const unwanted = [...running.keys()].filter((id) => !wanted.has(id));
      const destroyed = await forEachBounded(unwanted, this.concurrency, async (id) => {
        if (await runtime.destroy(id)) ops.deleted++;
      });
      const refused = destroyed.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (refused) throw refused.reason;
      await this.deps.store.save(intent);
      this.last = intent;
    }

    const items: ItemResult[] = [
      ...plan.rejected,
      ...plan.planned.map((p) => failed.get(`${p.kind}|${p.key}`) ?? { kind: p.kind, key: p.key, ok: true }),
    ];
    return { generation: intent.generation, items, ops };
  }
}

/** Drops SIDs and proxies of instances that failed to start: they would only fail again with ENODEV. */
function withoutFailedInstances(plan: NodePlan, failed: ReadonlyMap<string, ItemResult>): NodePlan {
  const bad = new Set([...failed.values()].filter((f) => f.kind === 'instance').map((f) => f.key));
  if (bad.size === 0) return plan;
  const proxyOf = (key: string) => key.split('/')[0]!;
  return {
    ...plan,
    instances: plan.instances.filter((s) => !bad.has(s.id)),
    sidRoutes: plan.sidRoutes.filter((o) => !(o.item.kind === 'instance' && bad.has(o.item.key)) && !(o.item.kind === 'proxy' && bad.has(proxyOf(o.item.key)))),
    proxyRules: plan.proxyRules.filter((o) => !(o.item.kind === 'proxy' && bad.has(proxyOf(o.item.key)))),
    dynamicProxy: { legs: plan.dynamicProxy.legs.filter((l) => !bad.has(l.instance)) },
  };
}

/**
 * The controller's reconcile loop (level-based, controller-runtime style): a keyed work queue of
 * chain names, plus `NODES_KEY` for node-wide work. Keys carry no diff: a worker takes a key,
 * waits for a world pass that started after the key was queued (world-pass.ts: re-read the store,
 * re-plan everything, converge with make before break, write statuses) and looks at what the pass
 * says about its key. A chain that is placed but not Ready, or a node an agent call failed on, is
 * retried with per-key exponential backoff; a chain that cannot be placed waits for the world to
 * change (an event queues it again).
 *
 * Passes are serialized and coalesced (pass-runner.ts): a burst of keys costs one pass.
 *
 * Triggers:
 * - chain created / updated / deleted (ChainRegistry events; the registry's own status writes,
 *   which leave the generation alone, are ignored);
 * - node registered / READY again / UNREACHABLE (NodeRegistry events): the chains touching the
 *   node and NODES_KEY; a node that (re-)registers or comes back is re-sent its intent, since its
 *   agent may have restarted;
 * - agent events (WatchEvents): an exited instance or corrected drift refreshes the status of the
 *   node's chains from a fresh observation (the agent's own resync respawns instances); counters
 *   are kept for the next status;
 * - a periodic full resync (default 30 s) queues everything and observes every node (counters,
 *   agents that lost their state).
 */
import type { AgentEvent } from '../../agent/reconcile/types.js';
import { type Logger, logger } from '../../common/logger.js';
import type { ChainRegistry } from '../chains/chain-registry.js';
import type { NodeEvent, NodeRegistry } from '../nodes/node-registry.js';
import type { Topology } from '../planning/index.js';
import type { Store } from '../store/store.js';
import { AgentWatches } from './agent-watches.js';
import type { AgentDirectory } from './agents.js';
import { chainsTouching } from './chain-index.js';
import type { VerifyOptions } from './converge.js';
import { NodeBook } from './node-book.js';
import { PassRunner } from './pass-runner.js';
import { type BackoffPolicy, WorkQueue } from './work-queue.js';
import { type PassReport, WorldPass } from './world-pass.js';

/** The node-wide key (a chain name cannot contain `*`). */
export const NODES_KEY = '*nodes';

export interface WorldReconcilerOptions {
  /** Workers taking keys (they share passes; default 4). */
  readonly workers?: number;
  /** Full resync period (default 30 s; 0 disables it). */
  readonly resyncMs?: number;
  /** Per-key retry backoff (default 200 ms doubling up to 60 s). */
  readonly backoff?: BackoffPolicy;
  /** Read-back of new SIDs before a switch (default 3 attempts, 50 ms doubling). */
  readonly verify?: Partial<VerifyOptions>;
  readonly topology?: Topology;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly log?: Logger;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.());

export class WorldReconciler {
  private readonly queue: WorkQueue<string>;
  private readonly runner: PassRunner<PassReport>;
  private readonly pass: WorldPass;
  private readonly book: NodeBook;
  private readonly watches: AgentWatches;
  private readonly tickets = new Map<string, number>();
  /** Chain → the generation last queued for (status writes keep it: they are not spec changes). */
  private readonly seenGenerations = new Map<string, number>();
  private readonly toObserve = new Set<string>();
  private observeAll = false;
  private active = 0;
  private running?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private unsubscribe: (() => void)[] = [];
  private readonly log: Logger;

  constructor(
    private readonly store: Store,
    private readonly chains: ChainRegistry,
    private readonly nodes: NodeRegistry,
    private readonly agents: AgentDirectory,
    private readonly options: WorldReconcilerOptions = {},
  ) {
    this.log = options.log ?? logger('controller.reconcile');
    const backoff = options.backoff ?? { baseMs: 200, maxMs: 60_000 };
    this.queue = new WorkQueue<string>(backoff);
    const now = options.now ?? (() => new Date());
    // A node that failed unreachable is left alone as long as a key that failed as often would be.
    this.book = new NodeBook({ downFor: (n) => Math.min(backoff.maxMs, backoff.baseMs * 2 ** (n - 1)), clock: () => Date.now() });
    this.pass = new WorldPass({
      store,
      chains,
      agents,
      book: this.book,
      verify: { attempts: options.verify?.attempts ?? 3, delayMs: options.verify?.delayMs ?? 50 },
      ...(options.topology ? { topology: options.topology } : {}),
      now: () => now().toISOString(),
      sleep: options.sleep ?? defaultSleep,
      log: this.log,
    });
    this.runner = new PassRunner(() => this.runPass());
    this.watches = new AgentWatches(agents, (node, e) => this.onAgentEvent(node, e));
  }

  /** Subscribes to changes, starts the workers and the periodic resync, and queues everything. */
  start(): void {
    if (this.running) return;
    this.unsubscribe = [
      this.chains.onChange((e) => {
        if (e.type !== 'DELETED' && this.seenGenerations.get(e.chain.name) === e.chain.generation) return;
        if (e.type === 'DELETED') this.seenGenerations.delete(e.chain.name);
        else this.seenGenerations.set(e.chain.name, e.chain.generation);
        this.enqueue(e.chain.name);
      }),
      this.nodes.onChange((e) => this.background(`node event ${e.type} ${e.node.name}`, this.onNodeEvent(e))),
    ];
    this.running = this.queue.run(this.options.workers ?? 4, (key) => this.handle(key), (key, err, retryMs) => {
      this.log.info('retrying', { key, in: retryMs, why: err instanceof Error ? err.message : String(err) });
    });
    const period = this.options.resyncMs ?? 30_000;
    if (period > 0) {
      this.timer = setInterval(() => this.background('resync', this.resyncAll()), period);
      this.timer.unref?.();
    }
    this.background('resync', this.resyncAll());
  }

  /** Work started from a callback: its failure is logged (the next resync covers what it missed). */
  private background(what: string, p: Promise<unknown>): void {
    p.catch((err: unknown) => this.log.error(`${what} failed`, { error: err instanceof Error ? err.message : String(err) }));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    this.watches.stopAll();
    this.queue.shutdown();
    await this.running;
    this.running = undefined;
  }

  /** Queues a key; the pass that serves it starts after this call. */
  enqueue(key: string): void {
    this.tickets.set(key, this.runner.request());
    this.queue.add(key);
  }

  /** Queues every chain and the node-wide key, observing every node on the way. */
  async resyncAll(): Promise<void> {
    this.observeAll = true;
    const state = await this.store.read();
    for (const c of Object.values(state.chains)) {
      this.seenGenerations.set(c.name, c.generation);
      this.enqueue(c.name);
    }
    this.enqueue(NODES_KEY);
  }

  /** Runs a pass that starts now, outside the queue (tools, tests); resolves with its report. */
  reconcileNow(): Promise<PassReport> {
    return this.runner.fresh();
  }

  /** Resolves once no key is queued or being processed (delayed retries may still be pending). */
  async idle(): Promise<void> {
    for (;;) {
      await new Promise((r) => setTimeout(r, 2));
      if (this.queue.length === 0 && this.active === 0) {
        await new Promise((r) => setTimeout(r, 2)); // let done() re-queue keys added meanwhile
        if (this.queue.length === 0 && this.active === 0) return;
      }
    }
  }

  private runPass(): Promise<PassReport> {
    const observeAll = this.observeAll;
    const observe = new Set(this.toObserve);
    this.observeAll = false;
    this.toObserve.clear();
    return this.pass.run({ observeAll, observe }).then((report) => {
      this.watches.sync(report.nodes);
      return report;
    });
  }

  private async handle(key: string): Promise<void> {
    this.active++;
    try {
      const report = await this.runner.after(this.tickets.get(key) ?? 0);
      const problem = this.problemOf(key, report);
      if (problem !== undefined) {
        // The retry must see a pass that starts after this failure, not this pass again.
        this.tickets.set(key, this.runner.request());
        throw new Error(problem);
      }
    } finally {
      this.active--;
    }
  }

  private problemOf(key: string, report: PassReport): string | undefined {
    if (key === NODES_KEY) {
      if (report.failedNodes.size === 0) return undefined;
      return [...report.failedNodes].map(([n, f]) => `${n}: ${f.reason}: ${f.message}`).join('; ');
    }
    const r = report.chains.get(key);
    return r?.retry ? `chain ${key} not ready: ${r.reason}: ${r.message}` : undefined;
  }

  private async onNodeEvent(e: NodeEvent): Promise<void> {
    const name = e.node.name;
    // A node that registers again or comes back may have a restarted agent: re-send its intent.
    if (e.type !== 'UNREACHABLE') this.book.unconfirm(name);
    else this.watches.forget(name);
    this.enqueue(NODES_KEY);
    const state = await this.store.read();
    for (const c of chainsTouching(name, this.runner.latest?.outcomes ?? {}, this.book.holds(name), state.chains)) this.enqueue(c);
  }

  private onAgentEvent(node: string, e: AgentEvent): void {
    if (e.type === 'counters') {
      this.book.counters(node, e.sids);
      return;
    }
    // An instance exited (its agent respawns it on its next resync) or drift was corrected: the
    // status of the node's chains is refreshed from a fresh observation.
    this.toObserve.add(node);
    const touching = chainsTouching(node, this.runner.latest?.outcomes ?? {}, this.book.holds(node), {});
    for (const c of touching) this.enqueue(c);
  }
}

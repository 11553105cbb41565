/**
 * The `netns` runtime: the node agent's embedded-default VIM. An instance is a network namespace
 * `sfc-<node>-<id>` with one or two veth legs to the node (names and addresses from the slot,
 * plan/leg-addressing.ts) and a function: nftables (firewall, nat, monitor) or a responder.
 *
 * - Spawning runs one job script in a long-lived shell (netns-scripts.ts, shell-servers.ts);
 *   optionally from a warm pool of namespaces made ahead of time (`poolSize`). Operations on
 *   different instances may run concurrently (the agent's reconciler overlaps up to
 *   --spawn-concurrency): each holds one job shell at a time, so `shells` bounds how many really
 *   run at once; operations on one id are serialized, and a slot is taken synchronously (no two
 *   running instances ever share one).
 * - Kernel-only functions (firewall, nat, monitor) have no process at all: the namespace's mount
 *   keeps them, and their exit is the namespace's deletion, seen at once through inotify on
 *   /run/netns (plus a periodic check). A responder's keeper is its listener process: its 'exit'
 *   (our child) or the periodic check (an adopted one: pid + start time + namespace inode).
 * - State: one JSON record per instance in `stateDir`; a new runtime adopts what an earlier
 *   process made (records + mounted namespaces + keepers), with no re-spawn. Keepers run in their
 *   own session and are never killed when the agent exits: traffic survives agent restarts.
 * - Namespace mounts are made in the mount namespace that owns /run/netns (mount-target.ts), so
 *   they are visible to the lab and to the next agent even when this one runs under `ip netns exec`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { type FSWatcher, closeSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { DomainError, Violations } from '../../../common/errors.js';
import { validateFunctionSpec } from '../../functions/validate-function.js';
import type { InstanceSpec } from '../../intent/node-intent.js';
import { MAX_SLOT } from '../../plan/ids.js';
import { type InstanceLegs, instanceLegs } from '../../plan/leg-addressing.js';
import type { InstanceAttachment, InstanceEvent, InstanceStatus, Runtime } from '../runtime.js';
import { findMountTarget, procView } from './mount-target.js';
import {
  claimHostScript,
  claimInstanceScript,
  coldSpawnScript,
  destroyScript,
  hostDevs,
  instanceNamespace,
  poolCreateScript,
  poolHostDevs,
  poolNamespace,
  poolNamespacePattern,
  poolPrepareScript,
  reconfigureScript,
  responderTail,
  staleLegsScript,
} from './netns-scripts.js';
import { type KeeperRef, NETNS_DIR, keeperProblem, namespaceInode, procStat, signalKeeper } from './proc.js';
import { RESPONDER_JS } from './responder-script.js';
import { JobShell, ShellJobError, ShellServers, toolEnv } from './shell-servers.js';
import { type InstanceRecord, StateStore } from './state-store.js';

export interface NetnsRuntimeOptions {
  /** The agent's node name: instance namespaces are `sfc-<node>-<id>`. */
  readonly node: string;
  /** Where instance records live (one JSON file per instance). */
  readonly stateDir: string;
  /**
   * The node's named network namespace, when this process does not run inside it (tests,
   * benchmarks): host-side legs are made there. Default: this process's own namespace.
   */
  readonly nodeNs?: string;
  /** Warm pool: namespaces with legs made ahead of time and claimed on spawn (default 0: off). */
  readonly poolSize?: number;
  /**
   * Mount namespace for namespace mounts: `auto` (default: see mount-target.ts), `self`, or the
   * path of a mount namespace file (e.g. `/proc/<pid>/ns/mnt`).
   */
  readonly mountNs?: string;
  /** Period of the liveness check of namespaces and keepers, ms (default 1000; 0: off). */
  readonly pollMs?: number;
  /**
   * Job shells working in parallel (default 4). A spawn, reconfigure or destroy holds one shell at
   * a time, so give at least as many as the operations the caller runs at once.
   */
  readonly shells?: number;
  /** The `node` binary the responder runs with (default: this process's). */
  readonly nodeBinary?: string;
  /** How long a responder may take to listen, ms (default 15000). */
  readonly readyTimeoutMs?: number;
}

type Phase = 'starting' | 'running' | 'exited' | 'destroying';

interface Entry {
  spec: InstanceSpec;
  readonly ns: string;
  generation: number;
  ready: boolean;
  phase: Phase;
  reason?: string;
  keeper?: KeeperRef;
  /** Stops listening to our own keeper child (close, destroy). */
  detach?: () => void;
}

interface PoolEntry {
  readonly k: number;
  readonly ns: string;
  readonly shell: JobShell;
  readonly pid: number;
}

const ID = /^[a-z0-9-]{1,24}$/;
const DEFAULT_SHELLS = 4;
const POOL_REFILL_QUIET_MS = 50;
const NODE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

export function validateInstanceSpec(spec: InstanceSpec): void {
  const v = new Violations();
  if (typeof spec?.id !== 'string' || !ID.test(spec.id)) v.add('id', 'must match [a-z0-9-]{1,24}');
  if (!Number.isInteger(spec?.slot) || spec.slot < 0 || spec.slot > MAX_SLOT) v.add('slot', `must be an integer 0..${MAX_SLOT}`);
  if (spec?.legs !== 1 && spec?.legs !== 2) v.add('legs', 'must be 1 or 2');
  validateFunctionSpec(spec?.function, v, 'function');
  v.throwIfAny(`invalid instance '${String(spec?.id)}'`);
}

/** JSON with sorted keys: equality of specs whatever their key order. */
function stable(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(stable).join(',')}]`;
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(x);
}

export function attachmentOf(spec: InstanceSpec): InstanceAttachment {
  const legs = instanceLegs(spec.slot, spec.legs);
  return { inDev: legs.in.hostDev, outDev: (legs.out ?? legs.in).hostDev, in4: legs.in.instance4, in6: legs.in.instance6 };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const failed = (what: string, e: unknown): DomainError =>
  e instanceof DomainError ? e : new DomainError('RUNTIME_FAILED', `${what}: ${e instanceof Error ? e.message : String(e)}`);

export class NetnsRuntime implements Runtime {
  readonly name = 'netns';
  private readonly store: StateStore;
  private readonly entries = new Map<string, Entry>();
  private readonly byNs = new Map<string, Entry>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<(e: InstanceEvent) => void>();
  private readonly pool: PoolEntry[] = [];
  private poolFilling?: Promise<void>;
  private poolCounter = randomInt(0, 0x10000);
  private inflight = 0;
  private lastSpawn = 0;
  private refillTimer?: NodeJS.Timeout;
  private initialized?: Promise<void>;
  private shells?: ShellServers;
  /** nsenter arguments selecting the mount namespace that owns /run/netns (empty: ours). */
  private mountArgs: string[] = [];
  private mountFd?: number;
  private unshared?: string;
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private closed = false;
  private readonly responderPath: string;

  constructor(private readonly opts: NetnsRuntimeOptions) {
    if (!NODE.test(opts.node)) throw new DomainError('INVALID_ARGUMENT', `node name '${opts.node}' must match ${NODE.source}`);
    if (opts.nodeNs !== undefined && !/^[A-Za-z0-9_.-]+$/.test(opts.nodeNs)) throw new DomainError('INVALID_ARGUMENT', `bad nodeNs '${opts.nodeNs}'`);
    this.store = new StateStore(opts.stateDir);
    this.responderPath = join(opts.stateDir, 'responder.cjs');
  }

  // ---- Runtime ------------------------------------------------------------------------------

  async spawn(spec: InstanceSpec): Promise<InstanceStatus> {
    validateInstanceSpec(spec);
    return this.locked(spec.id, () => this.spawnLocked(spec));
  }

  async reconfigure(spec: InstanceSpec): Promise<InstanceStatus> {
    validateInstanceSpec(spec);
    return this.locked(spec.id, async () => {
      await this.init();
      const e = this.entries.get(spec.id) ?? this.adopt(spec.id);
      if (!e) throw new DomainError('NOT_FOUND', `instance '${spec.id}' does not exist`);
      if (e.phase !== 'running') throw new DomainError('FAILED_PRECONDITION', `instance '${spec.id}' has exited (${e.reason ?? 'unknown'}): destroy it and spawn again`);
      if (e.spec.slot !== spec.slot || e.spec.legs !== spec.legs) {
        throw new DomainError('FAILED_PRECONDITION', `instance '${spec.id}': slot and legs cannot change in place (destroy and spawn)`);
      }
      return this.reconfigureLocked(e, spec);
    });
  }

  destroy(id: string): Promise<boolean> {
    if (typeof id !== 'string' || !ID.test(id)) return Promise.resolve(false);
    return this.locked(id, () => this.destroyLocked(id));
  }

  async list(): Promise<InstanceStatus[]> {
    await this.init();
    this.refresh();
    return [...this.entries.values()].filter((e) => e.phase === 'running' || e.phase === 'exited').map((e) => this.status(e));
  }

  onEvent(listener: (e: InstanceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async counters(id: string): Promise<Record<string, { packets: number; bytes: number }>> {
    await this.init();
    const e = this.entries.get(id) ?? (ID.test(id) ? this.adopt(id) : undefined);
    if (!e) throw new DomainError('NOT_FOUND', `instance '${id}' does not exist`);
    const out = await new Promise<string>((resolve, reject) =>
      execFile('nsenter', [`--net=${NETNS_DIR}/${e.ns}`, 'nft', '-j', 'list', 'counters', 'table', 'inet', 'sfc'], { env: toolEnv(), maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
        err ? reject(new DomainError('RUNTIME_FAILED', `counters of '${id}': ${stderr.trim() || err.message}`)) : resolve(stdout),
      ),
    );
    const result: Record<string, { packets: number; bytes: number }> = {};
    const doc = JSON.parse(out) as { nftables?: { counter?: { name: string; packets: number; bytes: number } }[] };
    for (const item of doc.nftables ?? []) if (item.counter) result[item.counter.name] = { packets: item.counter.packets, bytes: item.counter.bytes };
    return result;
  }

  /** Stops watching and drains the warm pool. Instances and their keepers stay: traffic goes on. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    if (this.refillTimer) clearTimeout(this.refillTimer);
    for (const e of this.entries.values()) e.detach?.();
    this.listeners.clear();
    if (this.initialized) {
      await this.initialized.catch(() => undefined);
      await this.poolFilling?.catch(() => undefined);
      await Promise.all(this.pool.splice(0).map((p) => this.dropPoolEntry(p)));
      await Promise.all([...this.locks.values()].map((p) => p.catch(() => undefined)));
    }
    this.shells?.close();
    if (this.mountFd !== undefined) closeSync(this.mountFd);
    this.mountFd = undefined;
  }

  // ---- warm pool ----------------------------------------------------------------------------

  /** Fills the warm pool up to poolSize and resolves when it is full (no-op without a pool). */
  async warm(): Promise<void> {
    await this.init();
    await this.poolFilling;
    await this.fillPool(true);
  }

  /** Pool namespaces ready to be claimed. */
  get poolReady(): number {
    return this.pool.length;
  }

  private schedulePoolFill(): void {
    if (this.closed || this.refillTimer || this.poolFilling || this.pool.length >= (this.opts.poolSize ?? 0)) return;
    // Refill only once spawning has been quiet for a moment: a refill must never delay a spawn.
    this.refillTimer = setTimeout(() => {
      this.refillTimer = undefined;
      if (this.inflight > 0 || Date.now() - this.lastSpawn < POOL_REFILL_QUIET_MS) return this.schedulePoolFill();
      void this.fillPool(false).catch(() => undefined);
    }, POOL_REFILL_QUIET_MS);
    this.refillTimer.unref();
  }

  /** Adds pool entries up to poolSize; a background fill (`force` false) stops as soon as a spawn starts. */
  private fillPool(force: boolean): Promise<void> {
    this.poolFilling ??= (async () => {
      try {
        while (!this.closed && this.pool.length < (this.opts.poolSize ?? 0)) {
          if (!force && this.inflight > 0) break;
          const p = await this.makePoolEntry();
          if (this.closed) {
            await this.dropPoolEntry(p);
            break;
          }
          this.pool.push(p);
        }
      } finally {
        this.poolFilling = undefined;
      }
      this.schedulePoolFill();
    })();
    return this.poolFilling;
  }

  private async makePoolEntry(): Promise<PoolEntry> {
    const k = this.poolCounter++ & 0xffff;
    const ns = poolNamespace(this.opts.node, k);
    await this.shells!.run(poolCreateScript(ns, k), `pool namespace ${ns}`, 'low');
    const shell = new JobShell(this.nsenter([`--net=${NETNS_DIR}/${ns}`], false), { detached: true });
    try {
      const pid = shell.start();
      await shell.run(poolPrepareScript(), `prepare ${ns}`);
      return { k, ns, shell, pid };
    } catch (e) {
      shell.close();
      await this.shells!.run(destroyScript(ns, poolHostDevs(k)), `destroy ${ns}`, 'low').catch(() => undefined);
      throw e;
    }
  }

  private async dropPoolEntry(p: PoolEntry): Promise<void> {
    p.shell.close();
    await this.shells!.run(destroyScript(p.ns, poolHostDevs(p.k)), `destroy ${p.ns}`).catch(() => undefined);
  }

  // ---- internals ----------------------------------------------------------------------------

  private init(): Promise<void> {
    if (this.closed) return Promise.reject(new DomainError('FAILED_PRECONDITION', 'the netns runtime is closed'));
    this.initialized ??= this.doInit();
    return this.initialized;
  }

  private async doInit(): Promise<void> {
    this.store.init();
    mkdirSync(NETNS_DIR, { recursive: true });
    const mode = this.opts.mountNs ?? 'auto';
    if (mode === 'auto') {
      const t = findMountTarget(process.pid, procView);
      if (t.kind === 'process') {
        try {
          // Held open: the ancestor may exit, its mount namespace stays reachable through our fd.
          this.mountFd = openSync(`/proc/${t.pid}/ns/mnt`, 'r');
          this.mountArgs = [`--mount=/proc/${process.pid}/fd/${this.mountFd}`];
        } catch (e) {
          this.unshared = `cannot open the mount namespace of process ${t.pid} (${(e as Error).message}); start the agent with \`nsenter --net=...\` or pass mountNs`;
        }
      } else if (t.kind === 'unshared') this.unshared = t.reason;
    } else if (mode !== 'self') this.mountArgs = [`--mount=${mode}`];
    const nodeNet = this.opts.nodeNs === undefined ? [] : [`--net=${NETNS_DIR}/${this.opts.nodeNs}`];
    this.shells = new ShellServers(this.nsenter(nodeNet, true), this.opts.shells ?? DEFAULT_SHELLS);
    this.writeResponderScript();

    this.watcher = watch(NETNS_DIR, { persistent: false }, (_ev, file) => {
      if (file) {
        const e = this.byNs.get(String(file));
        if (e) this.check(e);
      } else for (const e of this.entries.values()) this.check(e);
    });
    this.watcher.on('error', () => undefined);
    const poll = this.opts.pollMs ?? 1000;
    if (poll > 0) {
      this.timer = setInterval(() => {
        for (const e of this.entries.values()) this.check(e);
      }, poll);
      this.timer.unref();
    }

    // A previous process's warm pool is not adoptable (its shells died with it): remove it.
    const stalePool = poolNamespacePattern(this.opts.node);
    const stale = readdirSync(NETNS_DIR).filter((n) => stalePool.test(n));
    await Promise.all(
      stale.map((ns) => this.shells!.run(destroyScript(ns, poolHostDevs(Number(ns.slice(ns.lastIndexOf('.pool') + 5)))), `destroy stale ${ns}`).catch(() => undefined)),
    );
    this.refresh();
    if ((this.opts.poolSize ?? 0) > 0) this.schedulePoolFill();
  }

  /** argv prefix for a process in the namespace-owning mount namespace (and `net`), or [] when none is needed. */
  private nsenter(net: readonly string[], allowEmpty: boolean): string[] {
    const args = [...this.mountArgs, ...net];
    return args.length === 0 && allowEmpty ? [] : ['nsenter', ...args];
  }

  private writeResponderScript(): void {
    let current: string | undefined;
    try {
      current = readFileSync(this.responderPath, 'utf8');
    } catch {
      // first time
    }
    if (current === RESPONDER_JS) return;
    const tmp = `${this.responderPath}.${process.pid}.tmp`;
    writeFileSync(tmp, RESPONDER_JS);
    renameSync(tmp, this.responderPath);
  }

  private locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  private record(e: Entry): InstanceRecord {
    return { version: 1, node: this.opts.node, ns: e.ns, spec: e.spec, generation: e.generation, ready: e.ready, ...(e.keeper ? { keeper: e.keeper } : {}) };
  }

  private status(e: Entry): InstanceStatus {
    const running = e.phase === 'running';
    return { id: e.spec.id, spec: e.spec, attachment: attachmentOf(e.spec), state: running ? 'running' : 'exited', ...(running ? {} : { reason: e.reason ?? 'exited' }) };
  }

  private track(e: Entry): void {
    this.entries.set(e.spec.id, e);
    this.byNs.set(e.ns, e);
  }

  private untrack(e: Entry): void {
    e.detach?.();
    if (this.entries.get(e.spec.id) === e) this.entries.delete(e.spec.id);
    if (this.byNs.get(e.ns) === e) this.byNs.delete(e.ns);
  }

  /** Takes over an instance an earlier process made (record + namespace + keeper), if its record exists. */
  private adopt(id: string): Entry | undefined {
    const rec = this.store.read(id);
    if (!rec || rec.node !== this.opts.node) return undefined;
    const e: Entry = { spec: rec.spec, ns: rec.ns, generation: rec.generation, ready: rec.ready, phase: 'running', ...(rec.keeper ? { keeper: rec.keeper } : {}) };
    const why = rec.ready ? this.problem(e) : 'its spawn did not complete (the agent stopped meanwhile)';
    if (why) {
      e.phase = 'exited';
      e.reason = why;
    } else if (e.keeper && e.spec.function.type === 'responder' && this.store.readStatus(id)?.generation !== e.generation) {
      // Stopped between recording a reconfigure and the listener's reload: ask it again.
      signalKeeper(e.keeper, 'SIGHUP');
    }
    this.track(e);
    return e;
  }

  /** Adopts new records, forgets removed ones, re-checks liveness. */
  private refresh(): void {
    const ids = new Set(this.store.ids());
    for (const id of ids) if (!this.entries.has(id) && !this.locks.has(id)) this.adopt(id);
    for (const e of [...this.entries.values()]) {
      if (e.phase === 'starting' || e.phase === 'destroying') continue;
      if (!ids.has(e.spec.id)) this.untrack(e); // destroyed by another process
      else this.check(e);
    }
  }

  /** Why the instance is not running, or undefined. */
  private problem(e: Entry): string | undefined {
    const ino = namespaceInode(e.ns);
    if (ino === undefined) return `namespace ${e.ns} was deleted`;
    if (e.keeper) return keeperProblem(e.keeper, ino);
    if (e.spec.function.type === 'responder') return 'the responder has no keeper process';
    return undefined;
  }

  private check(e: Entry): void {
    if (e.phase !== 'running') return;
    const why = this.problem(e);
    if (why) this.markExited(e, why);
  }

  private markExited(e: Entry, reason: string): void {
    if (e.phase !== 'running' || this.closed) return;
    e.phase = 'exited';
    e.reason = reason;
    // A keeper whose namespace name was deleted still holds the namespace (and its legs): end it.
    if (e.keeper && namespaceInode(e.ns) === undefined) signalKeeper(e.keeper, 'SIGKILL');
    const ev: InstanceEvent = { type: 'exited', id: e.spec.id, reason };
    for (const l of this.listeners) {
      try {
        l(ev);
      } catch {
        // a listener's failure is its own
      }
    }
  }

  private async spawnLocked(spec: InstanceSpec): Promise<InstanceStatus> {
    await this.init();
    if (this.unshared) throw new DomainError('RUNTIME_FAILED', this.unshared);
    const existing = this.entries.get(spec.id) ?? this.adopt(spec.id);
    if (existing) {
      if (existing.phase === 'running' && existing.spec.slot === spec.slot && existing.spec.legs === spec.legs) {
        if (stable(existing.spec.function) !== stable(spec.function)) return this.reconfigureLocked(existing, spec);
        if (stable(existing.spec) !== stable(spec)) {
          existing.spec = spec;
          this.store.write(this.record(existing));
        }
        return this.status(existing);
      }
      await this.destroyLocked(spec.id);
    }
    for (const o of this.entries.values()) {
      if (o.spec.slot === spec.slot && o.phase !== 'destroying') {
        throw new DomainError('CONFLICT', `slot ${spec.slot} is used by instance '${o.spec.id}'`);
      }
    }
    const e: Entry = { spec, ns: instanceNamespace(this.opts.node, spec.id), generation: 1, ready: false, phase: 'starting' };
    this.track(e);
    this.store.clearStatus(spec.id);
    this.store.write(this.record(e)); // before the namespace exists: a namespace of ours always has its record
    this.inflight++;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.create(e);
          break;
        } catch (err) {
          await this.teardown(e);
          const exists = err instanceof ShellJobError && /File exists/.test(err.output);
          if (attempt >= 2 || !exists) {
            this.untrack(e);
            this.store.remove(spec.id);
            throw failed(`spawn '${spec.id}'`, err);
          }
          // Leftovers in the slot's names (a crash, a foreign leftover): clear them, try once more.
          await this.shells!.run(staleLegsScript(instanceLegs(spec.slot, spec.legs)), `clear slot ${spec.slot}`);
        }
      }
    } finally {
      this.inflight--;
      this.lastSpawn = Date.now();
    }
    e.ready = true;
    this.store.write(this.record(e));
    e.phase = 'running';
    if (this.pool.length < (this.opts.poolSize ?? 0)) this.schedulePoolFill();
    return this.status(e);
  }

  private async create(e: Entry): Promise<void> {
    const legs = instanceLegs(e.spec.slot, e.spec.legs);
    const fn = e.spec.function;
    const p = this.pool.shift();
    if (p) return this.claim(e, legs, p);
    if (fn.type === 'responder') return this.spawnResponder(e, legs);
    await this.shells!.run(coldSpawnScript(e.ns, fn, legs), `spawn '${e.spec.id}'`);
  }

  private responderTail(e: Entry): string {
    const id = e.spec.id;
    return responderTail(this.opts.nodeBinary ?? process.execPath, this.responderPath, id, this.store.path(id), this.store.statusPath(id), this.store.logPath(id));
  }

  /** Cold responder: the job runs in its own detached shell that finally execs the listener (the keeper). */
  private async spawnResponder(e: Entry, legs: InstanceLegs): Promise<void> {
    const argv = [...this.nsenter(this.opts.nodeNs === undefined ? [] : [`--net=${NETNS_DIR}/${this.opts.nodeNs}`], true), 'sh', '-s'];
    const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { detached: true, stdio: ['pipe', 'ignore', 'pipe'], env: toolEnv() });
    let stderr = '';
    let exitInfo: string | undefined;
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => (stderr += d));
    child.stdin!.on('error', () => undefined);
    child.on('error', (err) => (exitInfo ??= err.message));
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      exitInfo = `exited with ${signal ?? `code ${code}`}`;
      if (e.phase === 'running') this.markExited(e, `keeper process ${child.pid} ${exitInfo}`);
    };
    child.on('exit', onExit);
    e.detach = () => child.removeListener('exit', onExit);
    child.stdin!.end(coldSpawnScript(e.ns, e.spec.function, legs, this.responderTail(e)));
    if (child.pid !== undefined) {
      e.keeper = { pid: child.pid, start: procStat(child.pid)?.start ?? 0 };
      this.store.write(this.record(e));
    }
    try {
      await this.waitResponder(e, () => (exitInfo === undefined ? undefined : `${exitInfo}: ${stderr.trim() || this.logTail(e)}`));
    } finally {
      child.unref();
      child.stderr!.destroy();
    }
  }

  /** Warm: the pool namespace is renamed and addressed, node side and inside in parallel. */
  private async claim(e: Entry, legs: InstanceLegs, p: PoolEntry): Promise<void> {
    const fn = e.spec.function;
    const responder = fn.type === 'responder';
    const host = this.shells!.run(claimHostScript(p.k, legs), `claim ${p.ns} (node side)`);
    const inside = p.shell.run(claimInstanceScript(p.ns, e.ns, p.pid, fn, legs), `claim ${p.ns} for '${e.spec.id}'`, responder ? this.responderTail(e) : 'exit 0');
    const [h, i] = await Promise.allSettled([host, inside]);
    if (h.status === 'rejected' || i.status === 'rejected') {
      p.shell.close();
      await this.shells!.run(destroyScript(p.ns, poolHostDevs(p.k)), `destroy ${p.ns}`).catch(() => undefined);
      throw h.status === 'rejected' ? h.reason : (i as PromiseRejectedResult).reason;
    }
    if (!responder) {
      p.shell.close();
      return;
    }
    e.keeper = { pid: p.pid, start: procStat(p.pid)?.start ?? 0 };
    let exitInfo: string | undefined;
    p.shell.onExit((code, signal) => {
      exitInfo = `exited with ${signal ?? `code ${code}`}`;
      if (e.phase === 'running') this.markExited(e, `keeper process ${p.pid} ${exitInfo}`);
    });
    e.detach = () => p.shell.close();
    this.store.write(this.record(e));
    await this.waitResponder(e, () => (exitInfo === undefined ? undefined : `${exitInfo}: ${this.logTail(e)}`));
  }

  private logTail(e: Entry): string {
    try {
      return readFileSync(this.store.logPath(e.spec.id), 'utf8').trim().split('\n').slice(-5).join(' | ');
    } catch {
      return 'no log';
    }
  }

  /** Waits until the responder reports the entry's generation (its listeners bound). */
  private async waitResponder(e: Entry, exited: () => string | undefined): Promise<void> {
    const deadline = Date.now() + (this.opts.readyTimeoutMs ?? 15_000);
    for (;;) {
      const st = this.store.readStatus(e.spec.id);
      if (st && st.generation === e.generation && (!e.keeper || st.pid === e.keeper.pid)) {
        if (st.errors.length > 0) throw new DomainError('RUNTIME_FAILED', `responder '${e.spec.id}': ${st.errors.join('; ')}`);
        return;
      }
      const why = exited();
      if (why) throw new DomainError('RUNTIME_FAILED', `responder '${e.spec.id}' ${why}`);
      if (Date.now() > deadline) throw new DomainError('RUNTIME_FAILED', `responder '${e.spec.id}' not ready after ${this.opts.readyTimeoutMs ?? 15_000} ms`);
      await sleep(5);
    }
  }

  private async reconfigureLocked(e: Entry, spec: InstanceSpec): Promise<InstanceStatus> {
    const was = e.spec.function.type === 'responder';
    const now = spec.function.type === 'responder';
    if (was !== now) {
      // Into or out of a responder: different routes, rules and keeper; re-created in place.
      await this.destroyLocked(spec.id);
      return this.spawnLocked(spec);
    }
    const previous = { spec: e.spec, generation: e.generation };
    e.spec = spec;
    e.generation++;
    try {
      if (now) {
        // The listener reads its ports from the record: write it first, then ask for a reload.
        this.store.write(this.record(e));
        if (!e.keeper || !signalKeeper(e.keeper, 'SIGHUP')) throw new DomainError('RUNTIME_FAILED', `responder '${spec.id}' has no running keeper`);
        await this.waitResponder(e, () => this.problem(e));
      } else {
        // Recorded only once applied: a crash in between leaves the old spec recorded, and the
        // reconciler (seeing a difference) applies the new one again.
        await this.shells!.run(reconfigureScript(e.ns, spec.function, instanceLegs(spec.slot, spec.legs)), `reconfigure '${spec.id}'`);
        this.store.write(this.record(e));
      }
    } catch (err) {
      if (!now) Object.assign(e, previous);
      throw failed(`reconfigure '${spec.id}'`, err);
    }
    return this.status(e);
  }

  private async destroyLocked(id: string): Promise<boolean> {
    await this.init();
    const e = this.entries.get(id);
    const rec = e ? undefined : this.store.read(id);
    const ns = e?.ns ?? rec?.ns ?? instanceNamespace(this.opts.node, id);
    if (!e && !rec && namespaceInode(ns) === undefined) return false;
    if (e) e.phase = 'destroying';
    e?.detach?.();
    const keeper = e?.keeper ?? rec?.keeper;
    if (keeper) signalKeeper(keeper, 'SIGKILL');
    const spec = e?.spec ?? rec?.spec;
    try {
      await this.shells!.run(destroyScript(ns, spec ? hostDevs(instanceLegs(spec.slot, spec.legs)) : []), `destroy '${id}'`);
    } catch (err) {
      if (e) e.phase = 'exited';
      throw failed(`destroy '${id}'`, err);
    }
    if (namespaceInode(ns) !== undefined) {
      if (e) e.phase = 'exited';
      throw new DomainError('RUNTIME_FAILED', `destroy '${id}': namespace ${ns} is still there`);
    }
    if (e) this.untrack(e);
    this.store.remove(id);
    return true;
  }

  /** Removes what a failed spawn made (namespace, legs, keeper); keeps the record for the caller. */
  private async teardown(e: Entry): Promise<void> {
    e.detach?.();
    if (e.keeper) signalKeeper(e.keeper, 'SIGKILL');
    e.keeper = undefined;
    await this.shells!.run(destroyScript(e.ns, hostDevs(instanceLegs(e.spec.slot, e.spec.legs))), `destroy '${e.spec.id}'`).catch(() => undefined);
  }
}

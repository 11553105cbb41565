/**
 * An in-memory Dataplane with the kernel's semantics, for unit tests of everything above the kernel
 * (reconcilers, pruning, the agent's gRPC handlers). Every refusal carries the errno Linux 6.18
 * answers for the same request; each rule below was checked by hand in a throwaway netns (the
 * header of test/unit/dataplane/fake-dataplane.test.ts lists the commands and errnos).
 *
 * Pure: no I/O. Links are whatever the constructor was given; they never go down.
 */
import { type Family, familyOf, formatAddress, formatIPv6, parseAddress, parseIPv6, parsePrefix } from '../../common/ip.js';
import type { Dataplane, DataplaneOp, Link, ListOptions, OpResult } from '../dataplane.js';
import { SFC_PROTOCOL } from '../dataplane.js';
import { ERRNO, NetlinkError } from '../errors.js';
import { type Nexthop, normalizeNexthop } from '../seg6/nexthop.js';
import { type Route, type RouteType, DEFAULT_TABLE, normalizeRoute } from '../seg6/route.js';
import { type Rule, normalizeRule } from '../seg6/rule.js';
import type { Seg6LocalCounters } from '../seg6/seg6local.js';
import { checkOps, describeOp } from '../validate.js';

export interface FakeDataplaneOptions {
  /** Interface names, given indexes 1..n in this order (default `['lo']`). */
  readonly links?: readonly string[];
  /** Route protocol that marks owned objects (default SFC_PROTOCOL). */
  readonly protocol?: number;
  /** Tables a VRF device is bound to: End.DT4/DT46 and End.DT6 vrftable need one (default none, like a kernel without VRF). */
  readonly vrfTables?: readonly number[];
}

type Mutable<T> = { -readonly [k in keyof T]: T[k] };

/** A route as the kernel holds it, with the live counters of a counted seg6local route. */
interface StoredRoute {
  readonly route: Route;
  readonly counters?: Mutable<Seg6LocalCounters>;
}

/** One network namespace's state; shared by the views `withProtocol` makes. */
interface Kernel {
  links: Link[];
  readonly vrfTables: ReadonlySet<number>;
  /** Routes by family|table|dst (prefix); each bucket sorted by metric, the kernel's lookup order. */
  readonly routes: Map<string, StoredRoute[]>;
  readonly nexthops: Map<number, Nexthop>;
  /** In the kernel's order: by family (4, then 6), priority, then insertion. */
  rules: Rule[];
  tunnelSource: string;
  ops: number;
}

const RTPROT_KERNEL = 2;
const RTPROT_BOOT = 3;

/** The rules a fresh network namespace starts with (`ip rule`, `ip -6 rule`). */
const DEFAULT_RULES: readonly Rule[] = [
  { family: 4, priority: 0, table: 255, protocol: RTPROT_KERNEL },
  { family: 4, priority: 32766, table: 254, protocol: RTPROT_KERNEL },
  { family: 4, priority: 32767, table: 253, protocol: RTPROT_KERNEL },
  { family: 6, priority: 0, table: 255, protocol: RTPROT_KERNEL },
  { family: 6, priority: 32766, table: 254, protocol: RTPROT_KERNEL },
];

const REJECT_TYPES: ReadonlySet<RouteType> = new Set(['blackhole', 'unreachable', 'prohibit']);

/** A refusal inside one op; `apply` turns it into that op's NetlinkError. */
class Refused extends Error {
  constructor(
    readonly errno: number,
    detail: string,
  ) {
    super(detail);
  }
}

const refuse = (errno: number, detail: string): never => {
  throw new Refused(errno, detail);
};

const bucketKey = (family: Family, table: number, dst: string): string => `${family}|${table}|${dst}`;

/** Canonical `addr/len` with the host bits cleared (what a lookup of `len` bits compares). */
function maskedPrefix(bytes: Uint8Array, length: number, family: Family): string {
  const b = Buffer.from(bytes);
  for (let i = 0; i < b.length; i++) b[i] = b[i]! & (0xff << (8 - Math.min(8, Math.max(0, length - 8 * i))));
  return `${formatAddress(b, family)}/${length}`;
}

/** A deterministic dump order, close to the kernel's: family, table, prefix address and length, metric. */
function dumpOrder(r: Route): string {
  const p = parsePrefix(r.dst);
  const hex = (n: number) => n.toString(16).padStart(8, '0');
  return `${r.family}${hex(r.table!)}${p.bytes.toString('hex')}${hex(p.length)}${hex(r.metric!)}`;
}

/** Names of the devices an install needs; unknown ones are ENODEV, as NetlinkDataplane reports them. */
function devicesOf(o: Route | Nexthop): string[] {
  const out = o.dev !== undefined ? [o.dev] : [];
  if ('encap' in o && o.encap?.type === 'seg6local' && o.encap.behavior.action === 'End.DX2') out.push(o.encap.behavior.oif);
  return out;
}

/** The VRF table a seg6local behaviour decapsulates into, if it is one of the VRF modes. */
function vrfTableOf(r: Route): number | undefined {
  if (r.encap?.type !== 'seg6local') return undefined;
  const b = r.encap.behavior as { action: string; vrfTable?: number };
  return b.vrfTable;
}

/** Selector values as the kernel compares them: 0 / absent mean "not given"; a mark alone implies mask 0xffffffff. */
function selectors(r: Rule): Record<string, unknown> {
  return {
    iif: r.iif,
    oif: r.oif,
    ipproto: r.ipproto || undefined,
    sport: r.sport,
    dport: r.dport,
    fwmark: r.fwmark || undefined,
    fwmask: r.fwmask ?? (r.fwmark ? 0xffffffff : undefined),
    protocol: r.protocol || undefined,
  };
}

/**
 * The kernel's two rule comparisons (net/core/fib_rules.c). Both treat a src/dst the request leaves
 * out as a wildcard (the per-family compare only checks prefixes it was given), so adding
 * `pref 100 lookup 100` beside `pref 100 from X lookup 100` is EEXIST. `rule_exists` (add) compares
 * every other selector exactly; `rule_find` (delete) skips those the request leaves out too.
 */
function ruleMatches(have: Rule, want: Rule, wildcards: boolean): boolean {
  if (have.family !== want.family || have.priority !== want.priority || have.table !== want.table) return false;
  if ((want.src !== undefined && want.src !== have.src) || (want.dst !== undefined && want.dst !== have.dst)) return false;
  const h = selectors(have);
  return Object.entries(selectors(want)).every(([k, v]) => (wildcards && v === undefined) || JSON.stringify(v) === JSON.stringify(h[k]));
}

export class FakeDataplane implements Dataplane {
  readonly protocol: number;
  private k: Kernel;

  constructor(opts: FakeDataplaneOptions = {}) {
    this.protocol = opts.protocol ?? SFC_PROTOCOL;
    this.k = {
      links: (opts.links ?? ['lo']).map((name, i) => ({ index: i + 1, name })),
      vrfTables: new Set(opts.vrfTables ?? []),
      routes: new Map(),
      nexthops: new Map(),
      rules: DEFAULT_RULES.map(normalizeRule),
      tunnelSource: '::',
      ops: 0,
    };
  }

  /** Another owner (protocol) on the same namespace: how tests create foreign state to leave alone. */
  withProtocol(protocol: number): FakeDataplane {
    const view = new FakeDataplane({ protocol });
    view.k = this.k;
    return view;
  }

  /** Successful kernel mutations so far (each applied op, each tunnel source set), across every view. */
  get opsPerformed(): number {
    return this.k.ops;
  }

  close(): void {}

  async apply(ops: readonly DataplaneOp[]): Promise<OpResult[]> {
    checkOps(ops);
    return ops.map((op): OpResult => {
      try {
        this.execute({ ...op, object: { ...op.object, protocol: this.protocol } } as DataplaneOp);
        this.k.ops++;
        return { ok: true };
      } catch (e) {
        if (!(e instanceof Refused)) throw e;
        const d = describeOp(op);
        return { ok: false, error: new NetlinkError(e.errno, d.operation, d.object, e.message) };
      }
    });
  }

  private execute(op: DataplaneOp): void {
    switch (op.kind) {
      case 'route':
        return op.op === 'delete' ? this.removeRoute(op.object) : this.putRoute(op.object, op.op === 'replace');
      case 'nexthop':
        return op.op === 'delete' ? this.removeNexthop(op.object.id) : this.putNexthop(op.object, op.op === 'replace');
      case 'rule':
        return op.op === 'delete' ? this.removeRule(op.object) : this.insertRule(op.object);
    }
  }

  private needLinks(names: readonly string[]): void {
    const missing = names.filter((n) => !this.k.links.some((l) => l.name === n));
    if (missing.length > 0) refuse(ERRNO.ENODEV, `unknown interface ${[...new Set(missing)].join(', ')}`);
  }

  private putRoute(r: Route, replace: boolean): void {
    this.needLinks(devicesOf(r));
    const reject = REJECT_TYPES.has(r.type ?? 'unicast');
    if (reject && r.family === 4 && (r.dev !== undefined || r.via !== undefined)) {
      refuse(ERRNO.EINVAL, 'Gateway, device and multipath can not be specified for this route type');
    }
    if (r.nhid !== undefined) {
      const nh = this.k.nexthops.get(r.nhid) ?? refuse(ERRNO.EINVAL, 'Nexthop id does not exist');
      // An IPv4 route may use an IPv6 nexthop (v4 over v6), not the reverse.
      if (r.family === 6 && nh.family === 4) refuse(ERRNO.EINVAL, 'IPv6 routes can not use an IPv4 nexthop');
    }
    const vrf = vrfTableOf(r);
    if (vrf !== undefined && !this.k.vrfTables.has(vrf)) refuse(ERRNO.EINVAL, `no VRF device is bound to table ${vrf}`);
    // IPv6 clears host bits in dst (validation refuses them anyway; IPv4 answers EINVAL), reads
    // metric 0 as its default and protocol 0 as boot, and points reject routes at lo.
    const p = parsePrefix(r.dst);
    let route = normalizeRoute({ ...r, dst: maskedPrefix(p.bytes, p.length, r.family) });
    if (r.family === 6) {
      route = normalizeRoute({
        ...route,
        metric: route.metric || 1024,
        protocol: route.protocol || RTPROT_BOOT,
        ...(reject && route.nhid === undefined ? { dev: 'lo', via: undefined } : {}),
      });
    }
    const key = bucketKey(route.family, route.table!, route.dst);
    const bucket = this.k.routes.get(key) ?? [];
    // Identity is routeKey's: family, table, prefix, metric. The type does not count: a blackhole collides.
    const i = bucket.findIndex((s) => s.route.metric === route.metric);
    if (i >= 0 && !replace) refuse(ERRNO.EEXIST, 'a route with this prefix and metric exists');
    // A fresh entry, so a replace restarts the counters (the kernel builds a new lwtunnel state).
    const counted = route.encap?.type === 'seg6local' && route.encap.count === true;
    const entry: StoredRoute = { route: structuredClone(route), ...(counted ? { counters: { packets: 0n, bytes: 0n, errors: 0n } } : {}) };
    if (i >= 0) bucket[i] = entry;
    else bucket.push(entry);
    this.k.routes.set(key, bucket.sort((a, b) => a.route.metric! - b.route.metric!));
  }

  /**
   * The kernel deletes the first route of the prefix (lowest metric first) that matches what the
   * request names: metric and protocol when non-zero, and for IPv4 the type. Nothing else (dev,
   * nhid, encap) is sent on delete.
   */
  private removeRoute(r: Route): void {
    const p = parsePrefix(r.dst);
    const key = bucketKey(r.family, r.table ?? DEFAULT_TABLE, maskedPrefix(p.bytes, p.length, r.family));
    const bucket = this.k.routes.get(key) ?? [];
    const i = bucket.findIndex(
      (s) =>
        (!r.metric || s.route.metric === r.metric) &&
        (!r.protocol || s.route.protocol === r.protocol) &&
        (r.family === 6 || r.type === undefined || (s.route.type ?? 'unicast') === r.type),
    );
    if (i < 0) refuse(ERRNO.ESRCH, 'no such route');
    bucket.splice(i, 1);
    if (bucket.length === 0) this.k.routes.delete(key);
  }

  private *allRoutes(): Iterable<StoredRoute> {
    for (const bucket of this.k.routes.values()) yield* bucket;
  }

  private putNexthop(n: Nexthop, replace: boolean): void {
    this.needLinks(devicesOf(n));
    if (this.k.nexthops.has(n.id)) {
      if (!replace) refuse(ERRNO.EEXIST, `nexthop id ${n.id} exists`);
      // Replace switches every referencing route at once, so it must suit all of them.
      if (n.family === 4 && [...this.allRoutes()].some((s) => s.route.nhid === n.id && s.route.family === 6)) {
        refuse(ERRNO.EINVAL, 'IPv6 routes can not use an IPv4 nexthop');
      }
    }
    this.k.nexthops.set(n.id, structuredClone(normalizeNexthop(n)));
  }

  /** Deleting a nexthop takes every route that uses it along (both families). */
  private removeNexthop(id: number): void {
    if (!this.k.nexthops.delete(id)) refuse(ERRNO.ENOENT, `no nexthop id ${id}`);
    for (const [key, bucket] of this.k.routes) {
      const left = bucket.filter((s) => s.route.nhid !== id);
      if (left.length === 0) this.k.routes.delete(key);
      else this.k.routes.set(key, left);
    }
  }

  /** The kernel keeps a rule's src/dst as given (host bits too) but drops zero-length ones. */
  private kernelRule(r: Rule): Rule {
    const n: Mutable<Rule> = { ...normalizeRule(r) };
    if (n.src !== undefined && parsePrefix(n.src).length === 0) delete n.src;
    if (n.dst !== undefined && parsePrefix(n.dst).length === 0) delete n.dst;
    return normalizeRule(n);
  }

  private insertRule(r: Rule): void {
    const rule = this.kernelRule(r);
    if (this.k.rules.some((have) => ruleMatches(have, rule, false))) refuse(ERRNO.EEXIST, 'a matching rule exists');
    // Kept by family then priority; a new rule goes after those of the same priority.
    const at = this.k.rules.findIndex((have) => have.family > rule.family || (have.family === rule.family && have.priority > rule.priority));
    this.k.rules.splice(at < 0 ? this.k.rules.length : at, 0, rule);
  }

  private removeRule(r: Rule): void {
    const rule = this.kernelRule(r);
    const i = this.k.rules.findIndex((have) => ruleMatches(have, rule, true));
    if (i < 0) refuse(ERRNO.ENOENT, 'no matching rule');
    this.k.rules.splice(i, 1);
  }

  /** A copy as a dump decodes it: routes through a blackhole nexthop are blackhole; counters come along. */
  private dumped(s: StoredRoute): Route {
    let r = s.route;
    if (r.nhid !== undefined && (r.type ?? 'unicast') === 'unicast' && this.k.nexthops.get(r.nhid)?.blackhole) r = normalizeRoute({ ...r, type: 'blackhole' });
    if (s.counters && r.encap?.type === 'seg6local') r = { ...r, encap: { ...r.encap, counters: s.counters } };
    return structuredClone(r);
  }

  private mine(o: { protocol?: number }, opts: ListOptions): boolean {
    return opts.all === true || o.protocol === this.protocol;
  }

  async addRoute(object: Route): Promise<void> {
    await this.must({ op: 'add', kind: 'route', object });
  }
  async replaceRoute(object: Route): Promise<void> {
    await this.must({ op: 'replace', kind: 'route', object });
  }
  deleteRoute(object: Route): Promise<boolean> {
    return this.idempotentDelete({ op: 'delete', kind: 'route', object });
  }
  async addNexthop(object: Nexthop): Promise<void> {
    await this.must({ op: 'add', kind: 'nexthop', object });
  }
  async replaceNexthop(object: Nexthop): Promise<void> {
    await this.must({ op: 'replace', kind: 'nexthop', object });
  }
  deleteNexthop(n: Pick<Nexthop, 'id'>): Promise<boolean> {
    return this.idempotentDelete({ op: 'delete', kind: 'nexthop', object: { id: n.id, family: 6 } });
  }
  async addRule(object: Rule): Promise<void> {
    await this.must({ op: 'add', kind: 'rule', object });
  }
  deleteRule(object: Rule): Promise<boolean> {
    return this.idempotentDelete({ op: 'delete', kind: 'rule', object });
  }

  private async must(op: DataplaneOp): Promise<void> {
    const [r] = await this.apply([op]);
    if (!r!.ok) throw r!.error;
  }

  private async idempotentDelete(op: DataplaneOp): Promise<boolean> {
    const [r] = await this.apply([op]);
    if (r!.ok) return true;
    if (r!.error.missing) return false;
    throw r!.error;
  }

  async listRoutes(opts: ListOptions = {}): Promise<Route[]> {
    return [...this.allRoutes()]
      .filter((s) => this.mine(s.route, opts) && (!opts.family || s.route.family === opts.family) && (opts.table === undefined || s.route.table === opts.table))
      .sort((a, b) => (dumpOrder(a.route) < dumpOrder(b.route) ? -1 : 1))
      .map((s) => this.dumped(s));
  }

  /**
   * Longest-prefix match in `table` (default main), lowest metric first, like RTM_GETROUTE with
   * RTM_F_FIB_MATCH. A reject route answers as the kernel does: unreachable is "no route"
   * (EHOSTUNREACH, so undefined), blackhole is EINVAL, prohibit is EACCES.
   */
  async getRoute(dst: string, table: number = DEFAULT_TABLE): Promise<Route | undefined> {
    const family = familyOf(dst);
    const bytes = parseAddress(dst);
    for (let len = bytes.length * 8; len >= 0; len--) {
      const best = this.k.routes.get(bucketKey(family, table, maskedPrefix(bytes, len, family)))?.[0];
      if (!best) continue;
      const r = this.dumped(best);
      if (r.type === 'unreachable') return undefined;
      if (r.type === 'blackhole') throw new NetlinkError(ERRNO.EINVAL, 'get route', dst);
      if (r.type === 'prohibit') throw new NetlinkError(ERRNO.EACCES, 'get route', dst);
      return r;
    }
    return undefined;
  }

  /**
   * Test helper: `packets` packets of `bytes` bytes in all went through the counted seg6local route
   * whose dst is `sid`/128 (main table first, else the lowest table; lowest metric), as End
   * processing would count them. Returns false when no such counted route exists.
   */
  addTraffic(sid: string, packets: number, bytes: number, errors = 0): boolean {
    const dst = `${formatIPv6(parseIPv6(sid))}/128`;
    const hits = [...this.allRoutes()].filter((s) => s.counters && s.route.family === 6 && s.route.dst === dst);
    const hit = hits.find((s) => s.route.table === DEFAULT_TABLE) ?? hits.sort((a, b) => a.route.table! - b.route.table!)[0];
    if (!hit?.counters) return false;
    hit.counters.packets += BigInt(packets);
    hit.counters.bytes += BigInt(bytes);
    hit.counters.errors += BigInt(errors);
    return true;
  }

  async listNexthops(opts: ListOptions = {}): Promise<Nexthop[]> {
    return [...this.k.nexthops.values()]
      .filter((n) => this.mine(n, opts) && (!opts.family || n.family === opts.family))
      .sort((a, b) => a.id - b.id)
      .map((n) => structuredClone(n));
  }

  async listRules(opts: ListOptions = {}): Promise<Rule[]> {
    const families: Family[] = opts.family ? [opts.family] : [4, 6];
    return families.flatMap((f) => this.k.rules.filter((r) => r.family === f && this.mine(r, opts)).map((r) => structuredClone(r)));
  }

  async setTunnelSource(address: string): Promise<void> {
    this.k.tunnelSource = formatIPv6(parseIPv6(address));
    this.k.ops++;
  }

  async getTunnelSource(): Promise<string> {
    return this.k.tunnelSource;
  }

  async links(): Promise<Link[]> {
    return this.k.links.map((l) => ({ ...l }));
  }

  /** Test helper: an interface appears (e.g. an instance's host-side leg). */
  addLink(name: string): void {
    if (this.k.links.some((l) => l.name === name)) return;
    const index = Math.max(0, ...this.k.links.map((l) => l.index)) + 1;
    this.k.links.push({ index, name });
  }

  /**
   * Test helper: an interface goes away. Like the kernel, routes and nexthops through it go too
   * (and routes that used those nexthops).
   */
  removeLink(name: string): void {
    this.k.links = this.k.links.filter((l) => l.name !== name);
    for (const n of [...this.k.nexthops.values()]) if (n.dev === name) this.removeNexthop(n.id);
    for (const s of [...this.allRoutes()]) if (s.route.dev === name) this.removeRoute({ ...s.route, metric: s.route.metric ?? 0 });
  }
}

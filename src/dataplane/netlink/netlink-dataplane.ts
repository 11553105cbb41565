/**
 * The Dataplane over the real kernel of this process's network namespace (one agent per netns:
 * netlink sockets bind to the namespace of the thread that opens them).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Family } from '../../common/ip.js';
import { familyOf, parseAddress, parsePrefix } from '../../common/ip.js';
import type { Dataplane, DataplaneOp, Link, ListOptions, OpResult } from '../dataplane.js';
import { SFC_PROTOCOL } from '../dataplane.js';
import { ERRNO, NetlinkError } from '../errors.js';
import { attrBytes } from '../seg6/attrs.js';
import * as K from '../seg6/constants.js';
import type { NetlinkMessage, NetlinkRequest } from '../seg6/message.js';
import { type Nexthop, decodeNexthop, nexthopRequest } from '../seg6/nexthop.js';
import { type Route, decodeRoute, routeRequest } from '../seg6/route.js';
import { type Rule, decodeRule, ruleRequest } from '../seg6/rule.js';
import { checkOps, describeOp } from '../validate.js';
import { Seg6Genl } from './genl.js';
import { LinkTable, UnknownLinkError } from './links.js';
import { RtnlSocket, SocketError } from './rtnl-socket.js';

export interface NetlinkDataplaneOptions {
  /** Route protocol that marks owned objects (default SFC_PROTOCOL). */
  readonly protocol?: number;
  /** Attempts for items failing with a transient errno (ENOMEM under bulk IPv6 seg6 adds). */
  readonly transientRetries?: number;
}

/** Whether prefix bytes/len covers addr (same family). */
function prefixContains(prefix: Uint8Array, len: number, addr: Uint8Array): boolean {
  if (prefix.length !== addr.length) return false;
  const whole = len >> 3;
  for (let i = 0; i < whole; i++) if (prefix[i] !== addr[i]) return false;
  const rest = len & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (prefix[whole]! & mask) === (addr[whole]! & mask);
}

/** Reject routes answer like the kernel's lookup: unreachable = no route, blackhole EINVAL, prohibit EACCES. */
function rejectAsKernel(r: Route | undefined, dst: string): Route | undefined {
  if (!r || r.type === 'unreachable') return undefined;
  if (r.type === 'blackhole') throw new NetlinkError(ERRNO.EINVAL, 'get route', dst);
  if (r.type === 'prohibit') throw new NetlinkError(ERRNO.EACCES, 'get route', dst);
  return r;
}

const familyByte = (f: Family | undefined): number => (f === undefined ? K.AF_UNSPEC : f === 6 ? K.AF_INET6 : K.AF_INET);

/** Names of the devices an op needs resolved before it can be encoded. */
function devicesOf(op: DataplaneOp): string[] {
  if (op.op === 'delete' || op.kind === 'rule') return [];
  const o = op.object;
  const out: string[] = [];
  if (o.dev !== undefined) out.push(o.dev);
  if (op.kind === 'route' && op.object.encap?.type === 'seg6local' && op.object.encap.behavior.action === 'End.DX2') {
    out.push(op.object.encap.behavior.oif);
  }
  return out;
}

export class NetlinkDataplane implements Dataplane {
  readonly protocol: number;
  private readonly sock = new RtnlSocket();
  private readonly linkTable = new LinkTable(this.sock);
  private genl?: Seg6Genl;
  private readonly retries: number;

  constructor(opts: NetlinkDataplaneOptions = {}) {
    this.protocol = opts.protocol ?? SFC_PROTOCOL;
    this.retries = opts.transientRetries ?? 5;
  }

  close(): void {
    this.sock.close();
    this.genl?.close();
  }

  /** Stamps ownership on what we install, so listings and prunes recognise it. */
  private owned(op: DataplaneOp): DataplaneOp {
    // Object.assign onto a fresh literal keeps V8's fast object shapes; spreading into a copy gives
    // each copy its own shape and made 100k-route applies ~2x slower (measured).
    return { op: op.op, kind: op.kind, object: Object.assign({}, op.object, { protocol: this.protocol }) } as DataplaneOp;
  }

  private request(op: DataplaneOp): NetlinkRequest {
    switch (op.kind) {
      case 'route':
        return routeRequest(op.op, op.object, this.linkTable);
      case 'nexthop':
        return nexthopRequest(op.op, op.object, this.linkTable);
      case 'rule':
        return ruleRequest(op.op, op.object);
    }
  }

  async apply(ops: readonly DataplaneOp[]): Promise<OpResult[]> {
    checkOps(ops);
    const results = new Array<OpResult>(ops.length);
    const devices = new Set(ops.flatMap(devicesOf));
    try {
      await this.linkTable.ensure(devices);
    } catch (e) {
      // Reported per item below (ENODEV); the other items still apply.
      if (!(e instanceof UnknownLinkError)) throw e;
    }
    let todo: number[] = [];
    const reqs: NetlinkRequest[] = [];
    ops.forEach((op, i) => {
      try {
        reqs.push(this.request(this.owned(op)));
        todo.push(i);
      } catch (e) {
        if (!(e instanceof UnknownLinkError)) throw e;
        const d = describeOp(op);
        results[i] = { ok: false, error: new NetlinkError(ERRNO.ENODEV, d.operation, d.object, e.message) };
      }
    });
    let pendingReqs = reqs;
    for (let attempt = 0; todo.length > 0; attempt++) {
      const errnos = await this.sock.batch(pendingReqs);
      const again: number[] = [];
      const againReqs: NetlinkRequest[] = [];
      errnos.forEach((errno, k) => {
        const i = todo[k]!;
        const op = ops[i]!;
        if (errno === 0) {
          results[i] = { ok: true };
          return;
        }
        const d = describeOp(op);
        const error = new NetlinkError(errno, d.operation, d.object);
        if (error.transient && attempt < this.retries) {
          again.push(i);
          againReqs.push(pendingReqs[k]!);
        } else results[i] = { ok: false, error };
      });
      todo = again;
      pendingReqs = againReqs;
      if (todo.length > 0) await sleep(2 ** attempt);
    }
    return results;
  }

  private async one(op: DataplaneOp): Promise<OpResult> {
    const [r] = await this.apply([op]);
    return r!;
  }

  private async must(op: DataplaneOp): Promise<void> {
    const r = await this.one(op);
    if (!r.ok) throw r.error;
  }

  private async idempotentDelete(op: DataplaneOp): Promise<boolean> {
    const r = await this.one(op);
    if (r.ok) return true;
    if (r.error.missing) return false;
    throw r.error;
  }

  addRoute(object: Route): Promise<void> {
    return this.must({ op: 'add', kind: 'route', object });
  }
  replaceRoute(object: Route): Promise<void> {
    return this.must({ op: 'replace', kind: 'route', object });
  }
  deleteRoute(object: Route): Promise<boolean> {
    return this.idempotentDelete({ op: 'delete', kind: 'route', object });
  }
  addNexthop(object: Nexthop): Promise<void> {
    return this.must({ op: 'add', kind: 'nexthop', object });
  }
  replaceNexthop(object: Nexthop): Promise<void> {
    return this.must({ op: 'replace', kind: 'nexthop', object });
  }
  deleteNexthop(n: Pick<Nexthop, 'id'>): Promise<boolean> {
    return this.idempotentDelete({ op: 'delete', kind: 'nexthop', object: { id: n.id, family: 6 } });
  }
  addRule(object: Rule): Promise<void> {
    return this.must({ op: 'add', kind: 'rule', object });
  }
  deleteRule(object: Rule): Promise<boolean> {
    return this.idempotentDelete({ op: 'delete', kind: 'rule', object });
  }

  private async dump(type: number, header: Buffer): Promise<NetlinkMessage[]> {
    try {
      return await this.sock.dump({ type, flags: 0, header, attrs: [] });
    } catch (e) {
      if (e instanceof SocketError) throw new NetlinkError(e.errno || ERRNO.EIO, 'dump', `type ${type}`, e.message);
      throw e;
    }
  }

  /** Decodes dumped objects; foreign objects that do not decode are skipped, owned ones must. */
  private decodeAll<T>(msgs: NetlinkMessage[], protocolOf: (m: NetlinkMessage) => number, opts: ListOptions, decode: (m: NetlinkMessage) => T | undefined): T[] {
    const out: T[] = [];
    for (const m of msgs) {
      const mine = protocolOf(m) === this.protocol;
      if (!opts.all && !mine) continue;
      try {
        const o = decode(m);
        if (o !== undefined) out.push(o);
      } catch (e) {
        if (mine) throw e;
      }
    }
    return out;
  }

  async listRoutes(opts: ListOptions = {}): Promise<Route[]> {
    await this.linkTable.refresh();
    const families: Family[] = opts.family ? [opts.family] : [4, 6];
    const out: Route[] = [];
    for (const f of families) {
      const h = Buffer.alloc(12);
      h[0] = familyByte(f);
      const msgs = await this.dump(K.RTM_GETROUTE, h);
      for (const r of this.decodeAll(msgs, (m) => m.body[5]!, opts, (m) => decodeRoute(m.body, this.linkTable))) {
        if (opts.table === undefined || r.table === opts.table) out.push(r);
      }
    }
    return out;
  }

  /**
   * The route `dst` would use. Without a table: the kernel's own lookup (RTM_F_FIB_MATCH, policy
   * rules included). With a table: the kernel's lookup ignores the table it is given, so we dump
   * that table and match the longest prefix, lowest metric first, ourselves.
   */
  async getRoute(dst: string, table?: number): Promise<Route | undefined> {
    const family: Family = familyOf(dst);
    const addr = parseAddress(dst);
    if (table !== undefined) {
      let best: Route | undefined;
      let bestLen = -1;
      for (const r of await this.listRoutes({ all: true, family, table })) {
        const p = parsePrefix(r.dst);
        const better = p.length > bestLen || (p.length === bestLen && (r.metric ?? 0) < (best?.metric ?? 0));
        if (better && prefixContains(p.bytes, p.length, addr)) {
          best = r;
          bestLen = p.length;
        }
      }
      return rejectAsKernel(best, dst);
    }
    await this.linkTable.refresh();
    const h = Buffer.alloc(12);
    h[0] = familyByte(family);
    h[1] = family === 6 ? 128 : 32;
    h.writeUInt32LE(K.RTM_F_FIB_MATCH, 8);
    try {
      const reply = await this.sock.request({ type: K.RTM_GETROUTE, flags: 0, header: h, attrs: [attrBytes(K.RTA_DST, addr)] }, true);
      return reply[0] ? decodeRoute(reply[0].body, this.linkTable) : undefined;
    } catch (e) {
      if (e instanceof SocketError && (e.errno === ERRNO.ENETUNREACH || e.errno === ERRNO.EHOSTUNREACH)) return undefined;
      if (e instanceof SocketError) throw new NetlinkError(e.errno, 'get route', dst, e.message);
      throw e;
    }
  }

  async listNexthops(opts: ListOptions = {}): Promise<Nexthop[]> {
    await this.linkTable.refresh();
    const h = Buffer.alloc(8);
    h[0] = familyByte(opts.family);
    let msgs: NetlinkMessage[];
    try {
      msgs = await this.dump(K.RTM_GETNEXTHOP, h);
    } catch (e) {
      // No nexthop has ever been created in this namespace: some kernels answer ENODATA-ish errors.
      if (e instanceof NetlinkError && e.errno === ERRNO.ENODATA) return [];
      throw e;
    }
    return this.decodeAll(msgs, (m) => m.body[2]!, opts, (m) => decodeNexthop(m.body, this.linkTable));
  }

  async listRules(opts: ListOptions = {}): Promise<Rule[]> {
    const families: Family[] = opts.family ? [opts.family] : [4, 6];
    const out: Rule[] = [];
    for (const f of families) {
      const h = Buffer.alloc(12);
      h[0] = familyByte(f);
      const msgs = await this.dump(K.RTM_GETRULE, h);
      // FRA_PROTOCOL sits among the attributes: decode first, then filter on ownership.
      for (const m of msgs) {
        const r = decodeRule(m.body);
        if (r && (opts.all || r.protocol === this.protocol)) out.push(r);
      }
    }
    return out;
  }

  private seg6(): Seg6Genl {
    this.genl ??= new Seg6Genl();
    return this.genl;
  }

  async setTunnelSource(address: string): Promise<void> {
    try {
      await this.seg6().setTunnelSource(address);
    } catch (e) {
      if (e instanceof SocketError) throw new NetlinkError(e.errno, 'set', 'tunnel source', e.message);
      throw e;
    }
  }

  getTunnelSource(): Promise<string> {
    return this.seg6().getTunnelSource();
  }

  links(): Promise<Link[]> {
    return this.linkTable.refresh();
  }

  /** Raw access for the feature probe (scratch objects that the typed API refuses on purpose). */
  rawRequest(req: NetlinkRequest): Promise<NetlinkMessage[]> {
    return this.sock.request(req);
  }
}

/**
 * A Dataplane decorator that records every write it forwards in an OpTally under its node's name,
 * so a lab can report (and a test can assert) which kernels a change really touched.
 */
import type { Dataplane, DataplaneOp, Link, ListOptions, OpResult } from '../dataplane/dataplane.js';
import type { Nexthop } from '../dataplane/seg6/nexthop.js';
import type { Route } from '../dataplane/seg6/route.js';
import type { Rule } from '../dataplane/seg6/rule.js';
import type { OpTally } from './op-tally.js';

export class CountingDataplane implements Dataplane {
  constructor(
    private readonly inner: Dataplane,
    private readonly tally: OpTally,
    readonly node: string,
  ) {}

  get protocol(): number {
    return this.inner.protocol;
  }

  /** Counted before the call: an op that the kernel rejects was still sent. */
  private write<T>(n: number, call: () => Promise<T>): Promise<T> {
    this.tally.add(this.node, n);
    return call();
  }

  apply(ops: readonly DataplaneOp[]): Promise<OpResult[]> {
    return this.write(ops.length, () => this.inner.apply(ops));
  }
  addRoute(r: Route): Promise<void> {
    return this.write(1, () => this.inner.addRoute(r));
  }
  replaceRoute(r: Route): Promise<void> {
    return this.write(1, () => this.inner.replaceRoute(r));
  }
  deleteRoute(r: Route): Promise<boolean> {
    return this.write(1, () => this.inner.deleteRoute(r));
  }
  addNexthop(n: Nexthop): Promise<void> {
    return this.write(1, () => this.inner.addNexthop(n));
  }
  replaceNexthop(n: Nexthop): Promise<void> {
    return this.write(1, () => this.inner.replaceNexthop(n));
  }
  deleteNexthop(n: Pick<Nexthop, 'id'>): Promise<boolean> {
    return this.write(1, () => this.inner.deleteNexthop(n));
  }
  addRule(r: Rule): Promise<void> {
    return this.write(1, () => this.inner.addRule(r));
  }
  deleteRule(r: Rule): Promise<boolean> {
    return this.write(1, () => this.inner.deleteRule(r));
  }
  setTunnelSource(address: string): Promise<void> {
    return this.write(1, () => this.inner.setTunnelSource(address));
  }

  listRoutes(opts?: ListOptions): Promise<Route[]> {
    return this.inner.listRoutes(opts);
  }
  getRoute(dst: string, table?: number): Promise<Route | undefined> {
    return this.inner.getRoute(dst, table);
  }
  listNexthops(opts?: ListOptions): Promise<Nexthop[]> {
    return this.inner.listNexthops(opts);
  }
  listRules(opts?: ListOptions): Promise<Rule[]> {
    return this.inner.listRules(opts);
  }
  getTunnelSource(): Promise<string> {
    return this.inner.getTunnelSource();
  }
  links(): Promise<Link[]> {
    return this.inner.links();
  }
  close(): void {
    this.inner.close();
  }
}

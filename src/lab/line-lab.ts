/**
 * Carries out a LinePlan: one namespace per node (`<prefix><node>`), SRv6 sysctls, veth links,
 * addresses, the hosts' default gateways, then one dataplane worker per router that installs the
 * static underlay routes and the tunnel source through the dataplane library (so they carry the
 * project's route protocol, like everything an agent will own).
 *
 * Every write is counted per node in the lab's OpTally. Teardown of namespaces is the caller's
 * (by prefix, so it works after a partial deploy); workers started here are stopped here on failure.
 */
import type { Dataplane, DataplaneOp } from '../dataplane/dataplane.js';
import { CountingDataplane } from './counting-dataplane.js';
import type { LinePlan } from './line-topology.js';
import { createNamespace, enableSrv6, ipn, vethPair } from './netns.js';
import { OpTally } from './op-tally.js';
import { RemoteDataplane } from './remote-dataplane.js';

export type Log = (line: string) => void;

export interface LineLab {
  readonly plan: LinePlan;
  readonly tally: OpTally;
  /** The namespace of a node. */
  ns(node: string): string;
  /** The (counting) dataplane of a router's namespace. */
  dataplane(router: string): Dataplane;
  /** Stops the dataplane workers; the namespaces stay. */
  stop(): Promise<void>;
}

/** Throws with every failed op, naming the node: a lab that half-deployed must say where. */
export async function applyAll(dp: Dataplane, node: string, ops: DataplaneOp[]): Promise<void> {
  const results = await dp.apply(ops);
  const failed = results.flatMap((r) => (r.ok ? [] : [`${node}: ${r.error.message}`]));
  if (failed.length > 0) throw new Error(`programming ${node} failed:\n  ${failed.join('\n  ')}`);
}

export async function deployLine(plan: LinePlan, prefix: string, log: Log): Promise<LineLab> {
  const ns = (node: string): string => `${prefix}${node}`;
  const tally = new OpTally(plan.nodes);
  const ipIn = (node: string, args: string[]): void => {
    tally.add(node);
    ipn(ns(node), args);
  };

  log(`namespaces: ${plan.nodes.map(ns).join(', ')} (SRv6 + forwarding sysctls set before any link exists)`);
  for (const node of plan.nodes) {
    createNamespace(ns(node)); // netns add + lo up
    enableSrv6(ns(node));
    tally.add(node, 3);
  }

  log(`links: ${plan.links.map((l) => `${l.a.node}—${l.b.node}${l.mtu ? ` (mtu ${l.mtu})` : ''}`).join(', ')}`);
  for (const l of plan.links) {
    vethPair({ ns: ns(l.a.node), name: l.a.ifname }, { ns: ns(l.b.node), name: l.b.ifname }, l.mtu);
    tally.add(l.a.node, 2); // create the pair, set our end up
    tally.add(l.b.node, 1); // set the peer up
  }
  for (const a of plan.addresses) {
    const v6 = a.cidr.includes(':');
    // nodad: a lab's addresses are unique by construction; DAD would hold them "tentative" for ~1 s.
    ipIn(a.node, v6 ? ['-6', 'addr', 'add', a.cidr, 'dev', a.dev, 'nodad'] : ['addr', 'add', a.cidr, 'dev', a.dev]);
  }
  for (const g of plan.gateways) ipIn(g.node, ['route', 'add', 'default', 'via', g.via]);

  log(`dataplane workers: one process per router namespace (${plan.routers.map((r) => r.name).join(', ')})`);
  const started = await Promise.allSettled(plan.routers.map((r) => RemoteDataplane.start(ns(r.name))));
  const remotes = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const stop = async (): Promise<void> => void (await Promise.all(remotes.map((r) => r.stop())));
  try {
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const dps = new Map<string, Dataplane>(plan.routers.map((r, i) => [r.name, new CountingDataplane(remotes[i]!, tally, r.name)]));
    const dataplane = (router: string): Dataplane => {
      const dp = dps.get(router);
      if (!dp) throw new Error(`${router} is not a router of this lab`);
      return dp;
    };

    log(`underlay: ${plan.routes.length} static routes to the routers' locators, tunnel source per router`);
    await Promise.all(
      plan.routers.map(async (r) => {
        const ops: DataplaneOp[] = plan.routes
          .filter((rt) => rt.node === r.name)
          .map((rt) => ({ op: 'add', kind: 'route', object: { family: 6, dst: rt.dst, via: rt.via, dev: rt.dev } }));
        await applyAll(dataplane(r.name), r.name, ops);
        await dataplane(r.name).setTunnelSource(r.address);
      }),
    );
    return { plan, tally, ns, dataplane, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

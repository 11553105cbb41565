/**
 * The dynamic (eBPF) proxy as the reconciler drives it: converges the loader's kernel state on the
 * plan's dynamic legs, with the `tc` return hook (no rule, table or mark; GSO kept).
 *
 * - Programs and maps: loaded and pinned once per node (`<bpffs>/sfc/<node>/`), when the first
 *   dynamic item appears; kept when the last one goes (the next chain needs no reload), removed
 *   by teardown (loader.cleanup) or `sfclab destroy`.
 * - Commands are batched (`bpftool batch`, `tc -batch`): a child process per map entry or filter
 *   cost ~100 ms per spawned instance on a 2-core host.
 * - Inbound: `sfc_proxy_in` on every interface of the node that is not an instance leg (`sfcNNNN[io]`),
 *   `lo` or the feature probe's scratch pair. Unproxied packets pass untouched (TC_ACT_UNSPEC), so
 *   attaching everywhere is harmless and needs no knowledge of which side faces the core.
 * - Per leg (id = slot): sfc_legs[ifindex of the return leg] = id and `sfc_proxy_out` on the leg.
 *   A respawned instance has a new ifindex: the entry is rewritten and the stale one removed.
 * - Per SID: sfc_sids[sid] = leg, for the instance's End.DX4/DX6 SIDs.
 *
 * Every map write and tc attach/detach counts as one operation (created/replaced/deleted), every
 * element found right as unchanged: an apply that changes nothing performs 0 operations.
 */
import { rmSync } from 'node:fs';
import { canonicalAddress } from '../../../common/ip.js';
import type { Link } from '../../../dataplane/dataplane.js';
import type { Support } from '../../../dataplane/netlink/probe.js';
import type { DynamicProxyPlan } from '../../plan/plan-node.js';
import type { ItemResult, OpCounts } from '../../reconcile/types.js';
import { PROGRAMS } from './layout.js';
import { removeBpfPins } from './pins.js';
import { type CommandRunner, DynamicProxyLoader, type DynamicProxyLoaderOptions } from './loader.js';

/** What the reconciler needs of the dynamic proxy (a fake in unit tests). */
export interface DynamicProxyPort {
  /** Converges on plan; `links` are the node's interfaces after the instances were spawned. */
  converge(plan: DynamicProxyPlan, links: readonly Link[], validateOnly: boolean): Promise<{ ops: OpCounts; failed: ItemResult[] }>;
  /** Removes everything the dynamic proxy made on this node (teardown). */
  cleanup(): Promise<void>;
}

const LEG_DEV = /^sfc[0-9a-f]{4}[io]$/;

/** Interfaces the inbound program goes on: all but lo, instance legs and the probe's scratch veth. */
export const inboundInterfaces = (links: readonly Link[]): string[] =>
  links.map((l) => l.name).filter((n) => n !== 'lo' && !LEG_DEV.test(n) && !n.startsWith('sfc-prb'));

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class AgentDynamicProxy implements DynamicProxyPort {
  readonly loader: DynamicProxyLoader;

  constructor(opts: Omit<DynamicProxyLoaderOptions, 'returnHook'> | DynamicProxyLoader) {
    this.loader = opts instanceof DynamicProxyLoader ? opts : new DynamicProxyLoader({ ...opts, returnHook: 'tc' });
  }

  async converge(plan: DynamicProxyPlan, links: readonly Link[], validateOnly: boolean): Promise<{ ops: OpCounts; failed: ItemResult[] }> {
    const ops: OpCounts = { created: 0, replaced: 0, deleted: 0, unchanged: 0 };
    const failed: ItemResult[] = [];
    const loader = this.loader;
    const pinned = loader.pinned();
    // Never used here: not a single command. Once loaded, the programs stay until teardown (a
    // reload costs a bpftool load and re-attaching every interface: ~0.2 s on the next chain).
    if (!pinned && plan.legs.length === 0) return { ops, failed };
    if (validateOnly && !pinned) {
      // Everything would be made: load, inbound attachments, legs, SIDs.
      ops.created += 1 + inboundInterfaces(links).length + plan.legs.reduce((n, l) => n + 1 + l.sids.length, 0);
      return { ops, failed };
    }
    let fresh = false;
    if (!validateOnly) {
      try {
        fresh = (await loader.load()) === 'loaded';
      } catch (e) {
        for (const l of plan.legs) failed.push({ ...l.item, ok: false, reason: 'DYNAMIC_PROXY_UNAVAILABLE', message: `loading the eBPF proxy: ${message(e)}` });
        return { ops, failed };
      }
    }
    if (fresh) ops.created++;
    else ops.unchanged++;

    // Inbound: re-attached after a fresh load (a filter holds the old program, and so the old maps).
    const inbound = inboundInterfaces(links);
    const inboundNow = fresh ? new Map<string, boolean>() : await loader.attachedToMany(inbound, PROGRAMS.inbound);
    for (const dev of inbound) {
      if (inboundNow.get(dev) === true) {
        ops.unchanged++;
        continue;
      }
      try {
        if (!validateOnly) await loader.attach(dev);
        ops.created++;
      } catch (e) {
        for (const l of plan.legs) failed.push({ ...l.item, ok: false, reason: 'KERNEL_REFUSED', message: `attaching ${PROGRAMS.inbound} to ${dev}: ${message(e)}` });
      }
    }

    // Legs: the ones whose entry is right are checked for their filter in one batch; the others
    // are wired in one batch per tool.
    const index = new Map(links.map((l) => [l.name, l.index]));
    const names = new Map(links.map((l) => [l.index, l.name]));
    const entries = await loader.legEntries();
    const wantedLegs = new Set(plan.legs.map((l) => l.id));
    const placed = plan.legs.flatMap((leg) => {
      const ifindex = index.get(leg.returnDev);
      if (ifindex !== undefined) return [{ leg, ifindex }];
      failed.push({ ...leg.item, ok: false, reason: 'KERNEL_REFUSED', message: `no return leg ${leg.returnDev} on this node` });
      return [];
    });
    const entryRight = placed.filter((p) => !fresh && entries.get(p.ifindex) === p.leg.id);
    const filtered = await loader.attachedToMany(
      entryRight.map((p) => p.leg.returnDev),
      PROGRAMS.returnTc,
    );
    const toWire = placed.filter((p) => !(entryRight.includes(p) && filtered.get(p.leg.returnDev) === true));
    ops.unchanged += placed.length - toWire.length;
    const knownLegs = new Set(entries.values());
    for (const p of toWire) {
      if (knownLegs.has(p.leg.id)) ops.replaced++;
      else ops.created++;
    }
    if (!validateOnly) {
      try {
        await loader.addTcLegs(toWire.map((p) => ({ id: p.leg.id, returnDev: p.leg.returnDev, ifindex: p.ifindex })));
      } catch (e) {
        for (const p of toWire) failed.push({ ...p.leg.item, ok: false, reason: 'KERNEL_REFUSED', message: `dynamic proxy leg ${p.leg.id} (${p.leg.returnDev}): ${message(e)}` });
      }
    }
    // A leg whose device was re-created (instance respawned): its old ifindex goes.
    for (const { leg, ifindex } of placed) {
      for (const [i, id] of entries) {
        if (id !== leg.id || i === ifindex) continue;
        if (!validateOnly) await loader.removeLegEntry(i);
        ops.deleted++;
      }
    }

    // SIDs: desired ones written in one batch, then the ones no longer listed removed.
    const have = await loader.sids();
    const want = new Map<string, number>();
    for (const leg of plan.legs) for (const sid of leg.sids) want.set(canonicalAddress(sid), leg.id);
    const writes: { sid: string; leg: number }[] = [];
    for (const leg of plan.legs) {
      for (const sid of leg.sids) {
        const c = canonicalAddress(sid);
        const now = have.get(c);
        if (now === leg.id) ops.unchanged++;
        else {
          writes.push({ sid: c, leg: leg.id });
          if (now === undefined) ops.created++;
          else ops.replaced++;
        }
      }
    }
    if (!validateOnly) {
      try {
        await loader.addSids(writes);
      } catch (e) {
        for (const w of writes) failed.push({ ...plan.legs.find((l) => l.id === w.leg)!.item, ok: false, reason: 'KERNEL_REFUSED', message: `proxying ${w.sid}: ${message(e)}` });
      }
    }
    const goneSids = [...have.keys()].filter((sid) => !want.has(sid));
    if (!validateOnly) await loader.removeSids(goneSids);
    ops.deleted += goneSids.length;

    // Legs no longer listed: their map entries, stats, cache and return filter.
    const goneLegs = [...knownLegs]
      .filter((id) => !wantedLegs.has(id))
      .map((id) => ({ id, returnDev: [...entries].map(([i, l]) => (l === id ? names.get(i) : undefined)).find((n) => n !== undefined) ?? `sfc${id.toString(16).padStart(4, '0')}o` }));
    if (!validateOnly) await loader.removeTcLegs(goneLegs);
    ops.deleted += goneLegs.length;
    return { ops, failed };
  }

  cleanup(): Promise<void> {
    return this.loader.cleanup();
  }
}

/**
 * The node's `bpfProxy` feature: the object is built, bpftool is there and the programs load. A
 * scratch load pinned under `<bpffs>/sfc/sfc-probe-<pid>/` and removed at once; nothing is
 * attached, so the node's traffic is not touched.
 */
export async function probeBpfProxy(opts: { readonly bpffs?: string; readonly run?: CommandRunner; readonly object?: string } = {}): Promise<Support> {
  const loader = new DynamicProxyLoader({ node: `sfc-probe-${process.pid}`, returnHook: 'tc', ...opts });
  try {
    rmSync(loader.pins.dir, { recursive: true, force: true });
    await loader.load();
    return loader.pinned() ? { ok: true } : { ok: false, reason: 'the programs did not pin' };
  } catch (e) {
    return { ok: false, reason: message(e).split('\n')[0]!.slice(0, 300) };
  } finally {
    removeBpfPins(`sfc-probe-${process.pid}`, opts.bpffs);
  }
}

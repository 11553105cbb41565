/**
 * The dynamic (eBPF) proxy as the reconciler drives it: converges the loader's kernel state on the
 * plan's dynamic legs, with the `tc` return hook (no rule, table or mark; GSO kept).
 *
 * - Programs and maps: loaded and pinned once per node (`<bpffs>/sfc/<node>/`), when the first
 *   dynamic item appears; removed (loader.cleanup) when the last one goes.
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
import { readdirSync, rmSync, rmdirSync } from 'node:fs';
import { canonicalAddress } from '../../../common/ip.js';
import type { Link } from '../../../dataplane/dataplane.js';
import type { Support } from '../../../dataplane/netlink/probe.js';
import type { DynamicProxyPlan } from '../../plan/plan-node.js';
import type { ItemResult, OpCounts } from '../../reconcile/types.js';
import { PROGRAMS } from './layout.js';
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
    if (plan.legs.length === 0) {
      if (!pinned) return { ops, failed }; // never used here: not a single command
      ops.deleted += 1 + (await this.countExisting(links));
      if (!validateOnly) await loader.cleanup();
      return { ops, failed };
    }
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
    for (const dev of inboundInterfaces(links)) {
      if (!fresh && (await loader.attachedTo(dev, PROGRAMS.inbound))) {
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

    // Legs.
    const index = new Map(links.map((l) => [l.name, l.index]));
    const names = new Map(links.map((l) => [l.index, l.name]));
    const entries = await loader.legEntries();
    const wantedLegs = new Set(plan.legs.map((l) => l.id));
    for (const leg of plan.legs) {
      const ifindex = index.get(leg.returnDev);
      if (ifindex === undefined) {
        failed.push({ ...leg.item, ok: false, reason: 'KERNEL_REFUSED', message: `no return leg ${leg.returnDev} on this node` });
        continue;
      }
      try {
        const right = !fresh && entries.get(ifindex) === leg.id && (await loader.attachedTo(leg.returnDev, PROGRAMS.returnTc));
        if (right) ops.unchanged++;
        else {
          const existed = [...entries.values()].includes(leg.id);
          if (!validateOnly) await loader.addLeg({ id: leg.id, returnDev: leg.returnDev });
          if (existed) ops.replaced++;
          else ops.created++;
        }
        // The leg's device was re-created (instance respawned): its old ifindex goes.
        for (const [i, id] of entries) {
          if (id !== leg.id || i === ifindex) continue;
          if (!validateOnly) await loader.removeLegEntry(i);
          ops.deleted++;
        }
      } catch (e) {
        failed.push({ ...leg.item, ok: false, reason: 'KERNEL_REFUSED', message: `dynamic proxy leg ${leg.id} (${leg.returnDev}): ${message(e)}` });
      }
    }

    // SIDs: desired first, then the ones no longer listed.
    const have = await loader.sids();
    const want = new Map<string, number>();
    for (const leg of plan.legs) for (const sid of leg.sids) want.set(canonicalAddress(sid), leg.id);
    for (const leg of plan.legs) {
      for (const sid of leg.sids) {
        const c = canonicalAddress(sid);
        const now = have.get(c);
        if (now === leg.id) {
          ops.unchanged++;
          continue;
        }
        try {
          if (!validateOnly) await loader.addSid(c, leg.id);
          if (now === undefined) ops.created++;
          else ops.replaced++;
        } catch (e) {
          failed.push({ ...leg.item, ok: false, reason: 'KERNEL_REFUSED', message: `proxying ${sid}: ${message(e)}` });
        }
      }
    }
    for (const sid of have.keys()) {
      if (want.has(sid)) continue;
      if (!validateOnly) await loader.removeSid(sid);
      ops.deleted++;
    }

    // Legs no longer listed: their map entries, stats, cache and return filter.
    for (const id of new Set(entries.values())) {
      if (wantedLegs.has(id)) continue;
      const dev = [...entries].map(([i, l]) => (l === id ? names.get(i) : undefined)).find((n) => n !== undefined);
      if (!validateOnly) await loader.removeLeg({ id, returnDev: dev ?? `sfc${id.toString(16).padStart(4, '0')}o` });
      ops.deleted++;
    }
    return { ops, failed };
  }

  /** Map entries and attachments present (what a cleanup deletes, for the op counts). */
  private async countExisting(links: readonly Link[]): Promise<number> {
    try {
      const [sids, legs] = await Promise.all([this.loader.sids(), this.loader.legEntries()]);
      let n = sids.size + new Set(legs.values()).size;
      for (const l of links) if (await this.loader.attachedTo(l.name, PROGRAMS.inbound)) n++;
      return n;
    } catch {
      return 0;
    }
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
    rmSync(loader.pins.dir, { recursive: true, force: true });
    try {
      if (readdirSync(loader.pins.root).length === 0) rmdirSync(loader.pins.root);
    } catch {
      // not there, or a node's pins remain
    }
  }
}

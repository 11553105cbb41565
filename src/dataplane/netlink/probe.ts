/**
 * Kernel feature probe: tries each feature for real in a scratch table (and a scratch nexthop id
 * and link name), then removes what it made. Run at agent start-up; the controller plans with it
 * (e.g. End.DT46 only where VRF exists, dynamic proxies only where lwt BPF works).
 */
import { errnoName, ERRNO, NetlinkError } from '../errors.js';
import type { DataplaneOp } from '../dataplane.js';
import { attrBytes, attrNested, attrString, attrU16, attrU32, encodeAttrs } from '../seg6/attrs.js';
import * as K from '../seg6/constants.js';
import type { Seg6LocalBehavior, Seg6LocalAction } from '../seg6/seg6local.js';
import { parseIPv6 } from '../../common/ip.js';
import type { Route } from '../seg6/route.js';
import type { NetlinkDataplane } from './netlink-dataplane.js';
import { SocketError } from './rtnl-socket.js';

/** A feature either works, or says why not (the errno the kernel answered). */
export type Support = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface FeatureReport {
  readonly seg6: Support;
  readonly seg6local: Readonly<Record<Seg6LocalAction | 'End.DT6 (vrf)', Support>>;
  readonly counters: Support;
  readonly flavorPsp: Support;
  readonly flavorNextCsid: Support;
  readonly nexthopObjects: Support;
  readonly vrf: Support;
  readonly lwtBpf: Support;
  readonly tunnelSource: Support;
  /**
   * The dynamic (eBPF) SR proxy: its object is built, bpftool is there and the programs load (a
   * scratch load, pinned and removed again). Probed by the agent (probeFeatures' `bpfProxy`
   * option); elsewhere `not probed`.
   */
  readonly bpfProxy: Support;
}

export interface ProbeOptions {
  /** Probes the dynamic proxy (the agent passes its loader's scratch load). */
  readonly bpfProxy?: () => Promise<Support>;
}

const SCRATCH_TABLE = 0x5fc0fffe;
const SCRATCH_NHID = 0x5fc0fffe;
const SCRATCH_LINK = 'sfc-probe-vrf';
/** A scratch veth pair, up: SIDs need a real interface (IPv6 routes via lo become reject routes). */
const DEV = 'sfc-prb0';
const PEER = 'sfc-prb1';
/** A bad program fd: EBADF proves the kernel parsed the BPF attributes, i.e. the feature exists. */
const BAD_FD = 999_999;

const ok: Support = { ok: true };
const no = (reason: string): Support => ({ ok: false, reason });
const why = (e: unknown): string =>
  e instanceof NetlinkError ? e.code : e instanceof SocketError ? errnoName(e.errno) : e instanceof Error ? e.message : String(e);

const BEHAVIORS: Record<Seg6LocalAction | 'End.DT6 (vrf)', Seg6LocalBehavior> = {
  End: { action: 'End' },
  'End.X': { action: 'End.X', nh6: 'fc00:ffff::1' },
  'End.T': { action: 'End.T', table: SCRATCH_TABLE },
  'End.DX2': { action: 'End.DX2', oif: PEER },
  'End.DX6': { action: 'End.DX6', nh6: '::' },
  'End.DX4': { action: 'End.DX4', nh4: '0.0.0.0' },
  'End.DT6': { action: 'End.DT6', table: SCRATCH_TABLE },
  'End.DT6 (vrf)': { action: 'End.DT6', vrfTable: SCRATCH_TABLE },
  'End.DT4': { action: 'End.DT4', vrfTable: SCRATCH_TABLE },
  'End.DT46': { action: 'End.DT46', vrfTable: SCRATCH_TABLE },
  'End.B6': { action: 'End.B6', segments: ['fc00:ffff::1'] },
  'End.B6.Encaps': { action: 'End.B6.Encaps', segments: ['fc00:ffff::1'] },
  'End.BPF': { action: 'End.BPF', program: { fd: BAD_FD, name: 'sfc-probe' } },
};

export async function probeFeatures(dp: NetlinkDataplane, opts: ProbeOptions = {}): Promise<FeatureReport> {
  await deleteLink(dp, DEV); // a leftover from a crashed probe
  await createScratchVeth(dp);
  let report: Omit<FeatureReport, 'bpfProxy'>;
  try {
    report = await probeOn(dp);
  } finally {
    await deleteLink(dp, DEV); // deleting one end removes the pair
  }
  const bpfProxy = opts.bpfProxy ? await opts.bpfProxy().catch((e: unknown) => no(why(e))) : no('not probed');
  return { ...report, bpfProxy };
}

const IFF_UP = 1;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
const VETH_INFO_PEER = 1;
const RTM_DELLINK = 17;

/** ifinfomsg: u8 family, pad, u16 type, s32 index, u32 flags, u32 change — here: set IFF_UP. */
function ifinfoUp(): Buffer {
  const h = Buffer.alloc(16);
  h.writeUInt32LE(IFF_UP, 8);
  h.writeUInt32LE(IFF_UP, 12);
  return h;
}

/**
 * RTM_NEWLINK kind veth, then both ends up. Not in one message: the kernel opens the peer before
 * the pair is linked, and veth_open answers ENOTCONN.
 */
async function createScratchVeth(dp: NetlinkDataplane): Promise<void> {
  const peer = Buffer.concat([Buffer.alloc(16), encodeAttrs([attrString(K.IFLA_IFNAME, PEER)])]);
  await dp.rawRequest({
    type: K.RTM_NEWLINK,
    flags: K.NLM_F_CREATE | K.NLM_F_EXCL,
    header: Buffer.alloc(16),
    attrs: [
      attrString(K.IFLA_IFNAME, DEV),
      attrNested(IFLA_LINKINFO, [attrString(IFLA_INFO_KIND, 'veth'), attrNested(IFLA_INFO_DATA, [attrBytes(VETH_INFO_PEER, peer)])]),
    ],
  });
  for (const name of [DEV, PEER]) await dp.rawRequest({ type: K.RTM_NEWLINK, flags: 0, header: ifinfoUp(), attrs: [attrString(K.IFLA_IFNAME, name)] });
}

async function deleteLink(dp: NetlinkDataplane, name: string): Promise<void> {
  await dp.rawRequest({ type: RTM_DELLINK, flags: 0, header: Buffer.alloc(16), attrs: [attrString(K.IFLA_IFNAME, name)] }).catch(() => undefined);
}

async function probeOn(dp: NetlinkDataplane): Promise<Omit<FeatureReport, 'bpfProxy'>> {
  let n = 0;
  const sid = (): string => `fc00:ffff:ffff::${(++n).toString(16)}`;

  /** Adds a scratch route; on success deletes it again. */
  const tryRoute = async (route: Omit<Route, 'table' | 'family' | 'dst'>, expectErrno?: number): Promise<Support> => {
    const r: Route = { family: 6, dst: `${sid()}/128`, table: SCRATCH_TABLE, ...route };
    const add: DataplaneOp = { op: 'add', kind: 'route', object: r };
    try {
      const [res] = await dp.apply([add]);
      if (res!.ok) {
        await dp.deleteRoute(r);
        return ok;
      }
      if (expectErrno !== undefined && res!.error.errno === expectErrno) return ok;
      return no(res!.error.code);
    } catch (e) {
      return no(why(e));
    }
  };

  const seg6 = await tryRoute({ dev: DEV, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:ffff::1'] } });
  const seg6local = {} as Record<keyof typeof BEHAVIORS, Support>;
  for (const [name, behavior] of Object.entries(BEHAVIORS) as [keyof typeof BEHAVIORS, Seg6LocalBehavior][]) {
    seg6local[name] = await tryRoute(
      { dev: DEV, encap: { type: 'seg6local', behavior } },
      behavior.action === 'End.BPF' ? ERRNO.EBADF : undefined,
    );
  }
  const counters = await tryRoute({ dev: DEV, encap: { type: 'seg6local', behavior: { action: 'End' }, count: true } });
  const flavorPsp = await tryRoute({ dev: DEV, encap: { type: 'seg6local', behavior: { action: 'End', flavors: { operations: ['psp'] } } } });
  const flavorNextCsid = await tryRoute({
    dev: DEV,
    encap: { type: 'seg6local', behavior: { action: 'End', flavors: { operations: ['next-csid'], lblen: 32, nflen: 16 } } },
  });

  let nexthopObjects: Support;
  try {
    await dp.addNexthop({ id: SCRATCH_NHID, family: 6, dev: DEV, encap: { type: 'seg6', mode: 'encap', segments: ['fc00:ffff::1'] } });
    await dp.deleteNexthop({ id: SCRATCH_NHID });
    nexthopObjects = ok;
  } catch (e) {
    nexthopObjects = no(why(e));
  }

  const vrf = await probeVrf(dp);
  const lwtBpf = await probeLwtBpf(dp, sid());

  let tunnelSource: Support;
  try {
    await dp.getTunnelSource();
    tunnelSource = ok;
  } catch (e) {
    tunnelSource = no(why(e));
  }
  return { seg6, seg6local, counters, flavorPsp, flavorNextCsid, nexthopObjects, vrf, lwtBpf, tunnelSource };
}

/** Creates and deletes a VRF device (RTM_NEWLINK, IFLA_LINKINFO {IFLA_INFO_KIND "vrf", IFLA_INFO_DATA {IFLA_VRF_TABLE}}). */
async function probeVrf(dp: NetlinkDataplane): Promise<Support> {
  const IFLA_VRF_TABLE = 1;
  const ifinfo = Buffer.alloc(16);
  try {
    await dp.rawRequest({
      type: K.RTM_NEWLINK,
      flags: K.NLM_F_CREATE | K.NLM_F_EXCL,
      header: ifinfo,
      attrs: [
        attrString(K.IFLA_IFNAME, SCRATCH_LINK),
        attrNested(IFLA_LINKINFO, [attrString(IFLA_INFO_KIND, 'vrf'), attrNested(IFLA_INFO_DATA, [attrU32(IFLA_VRF_TABLE, SCRATCH_TABLE)])]),
      ],
    });
  } catch (e) {
    return no(e instanceof SocketError && e.errno === ERRNO.EOPNOTSUPP ? 'no VRF support in this kernel (EOPNOTSUPP)' : why(e));
  }
  await deleteLink(dp, SCRATCH_LINK);
  return ok;
}

/** `encap bpf in fd <bad>`: EBADF means the kernel knows lwt BPF; EOPNOTSUPP means it does not. */
async function probeLwtBpf(dp: NetlinkDataplane, dst: string): Promise<Support> {
  const LWT_BPF_IN = 1;
  const LWT_BPF_PROG_FD = 1;
  const LWT_BPF_PROG_NAME = 2;
  const rtm = Buffer.alloc(12);
  rtm[0] = K.AF_INET6;
  rtm[1] = 128;
  rtm[4] = K.RT_TABLE_COMPAT;
  rtm[5] = dp.protocol;
  rtm[7] = K.RTN_UNICAST;
  const links = await dp.links();
  const dev = links.find((l) => l.name === DEV)?.index ?? 1;
  try {
    await dp.rawRequest({
      type: K.RTM_NEWROUTE,
      flags: K.NLM_F_CREATE | K.NLM_F_EXCL,
      header: rtm,
      attrs: [
        attrBytes(K.RTA_DST, parseIPv6(dst)),
        attrU32(K.RTA_TABLE, SCRATCH_TABLE),
        attrU32(K.RTA_OIF, dev),
        attrU16(K.RTA_ENCAP_TYPE, K.LWTUNNEL_ENCAP_BPF),
        attrNested(K.RTA_ENCAP, [attrNested(LWT_BPF_IN, [attrU32(LWT_BPF_PROG_FD, BAD_FD), attrString(LWT_BPF_PROG_NAME, 'sfc-probe')])]),
      ],
    });
    await dp.deleteRoute({ family: 6, dst: `${dst}/128`, table: SCRATCH_TABLE });
    return ok;
  } catch (e) {
    if (e instanceof SocketError && e.errno === ERRNO.EBADF) return ok;
    return no(why(e));
  }
}

/**
 * The raw lightweight-tunnel encap bytes of every IPv6 route and every nexthop in this process's
 * namespace, exactly as the kernel dumps them: what golden captures compare against, and the ground
 * truth when a decoded object looks wrong while poking at a lab.
 */
import { RtnlSocket } from '../dataplane/netlink/rtnl-socket.js';
import { parseAttrs } from '../dataplane/seg6/attrs.js';
import * as K from '../dataplane/seg6/constants.js';

export interface RawEncap {
  readonly type: number;
  readonly hex: string;
}

export interface RawEncaps {
  /** Keyed `table|dst-hex/len`; routes through a nexthop id carry no encap of their own and are skipped. */
  readonly routes: Record<string, RawEncap>;
  /** Keyed by nexthop id. */
  readonly nexthops: Record<string, RawEncap>;
}

export async function rawEncaps(): Promise<RawEncaps> {
  const sock = new RtnlSocket();
  try {
    const routes: Record<string, RawEncap> = {};
    const h = Buffer.alloc(12);
    h[0] = K.AF_INET6;
    for (const m of await sock.dump({ type: K.RTM_GETROUTE, flags: 0, header: h, attrs: [] })) {
      const a = parseAttrs(m.body, 12);
      const encap = a.get(K.RTA_ENCAP);
      const type = a.get(K.RTA_ENCAP_TYPE);
      const dst = a.get(K.RTA_DST);
      if (!encap || !type || !dst || a.has(K.RTA_NH_ID)) continue;
      const table = a.get(K.RTA_TABLE)?.readUInt32LE(0) ?? m.body[4]!;
      routes[`${table}|${dst.toString('hex')}/${m.body[1]}`] = { type: type.readUInt16LE(0), hex: encap.toString('hex') };
    }
    const nexthops: Record<string, RawEncap> = {};
    for (const m of await sock.dump({ type: K.RTM_GETNEXTHOP, flags: 0, header: Buffer.alloc(8), attrs: [] })) {
      const a = parseAttrs(m.body, 8);
      const encap = a.get(K.NHA_ENCAP);
      const type = a.get(K.NHA_ENCAP_TYPE);
      const id = a.get(K.NHA_ID);
      if (!encap || !type || !id) continue;
      nexthops[String(id.readUInt32LE(0))] = { type: type.readUInt16LE(0), hex: encap.toString('hex') };
    }
    return { routes, nexthops };
  } finally {
    sock.close();
  }
}

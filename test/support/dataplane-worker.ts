/**
 * Runs inside a test namespace (`ip netns exec NS node --import tsx dataplane-worker.ts`) and serves
 * a NetlinkDataplane over stdio, one JSON request per line: {id, method, args} → {id, result|error}.
 * Netlink sockets bind to the namespace of the process that opens them, and Node cannot setns,
 * so a process per namespace is how tests reach a namespace's kernel (the agent works the same way).
 */
import { createInterface } from 'node:readline';
import { NetlinkDataplane } from '../../src/dataplane/netlink/netlink-dataplane.js';
import { RtnlSocket } from '../../src/dataplane/netlink/rtnl-socket.js';
import { probeFeatures } from '../../src/dataplane/netlink/probe.js';
import { parseAttrs } from '../../src/dataplane/seg6/attrs.js';
import * as K from '../../src/dataplane/seg6/constants.js';
import { errorToWire, toWire } from './wire-json.js';

const dp = new NetlinkDataplane();

/** Raw lwtunnel encap bytes of every route/nexthop in the namespace, for golden captures. */
async function rawEncaps(): Promise<{ routes: Record<string, { type: number; hex: string }>; nexthops: Record<string, { type: number; hex: string }> }> {
  const sock = new RtnlSocket();
  try {
    const routes: Record<string, { type: number; hex: string }> = {};
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
    const nexthops: Record<string, { type: number; hex: string }> = {};
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

const methods: Record<string, (...args: never[]) => unknown> = {
  apply: (ops) => dp.apply(ops),
  addRoute: (r) => dp.addRoute(r),
  replaceRoute: (r) => dp.replaceRoute(r),
  deleteRoute: (r) => dp.deleteRoute(r),
  listRoutes: (o) => dp.listRoutes(o),
  getRoute: (d, t) => dp.getRoute(d, t),
  addNexthop: (n) => dp.addNexthop(n),
  replaceNexthop: (n) => dp.replaceNexthop(n),
  deleteNexthop: (n) => dp.deleteNexthop(n),
  listNexthops: (o) => dp.listNexthops(o),
  addRule: (r) => dp.addRule(r),
  deleteRule: (r) => dp.deleteRule(r),
  listRules: (o) => dp.listRules(o),
  setTunnelSource: (a) => dp.setTunnelSource(a),
  getTunnelSource: () => dp.getTunnelSource(),
  links: () => dp.links(),
  rawEncaps: () => rawEncaps(),
  probeFeatures: () => probeFeatures(dp),
};

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const { id, method, args } = JSON.parse(line) as { id: number; method: string; args: unknown[] };
  const fn = methods[method];
  Promise.resolve()
    .then(() => {
      if (!fn) throw new Error(`unknown method ${method}`);
      return (fn as (...a: unknown[]) => unknown)(...args);
    })
    .then(
      (result) => {
        // OpResults hold NetlinkError instances: send them in wire form.
        const wire = method === 'apply' ? (result as { ok: boolean; error?: unknown }[]).map((r) => (r.ok ? r : { ok: false, error: errorToWire(r.error) })) : result;
        process.stdout.write(`${toWire({ id, result: wire ?? null })}\n`);
      },
      (e: unknown) => process.stdout.write(`${toWire({ id, error: errorToWire(e) })}\n`),
    );
});
rl.on('close', () => {
  dp.close();
  process.exit(0);
});
process.stdout.write(`${toWire({ ready: true })}\n`);

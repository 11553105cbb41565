/**
 * Serves a NetlinkDataplane over stdio, one JSON request per line ({id, method, args} → {id,
 * result|error}), from inside a namespace: `ip netns exec NS node dataplane-worker`. Netlink sockets
 * bind to the namespace of the process that opens them and Node cannot setns, so a process per
 * namespace is how a lab (and the privileged tests) reach a namespace's kernel; the agent will work
 * the same way. Exits when its stdin closes, so it never outlives the process that started it.
 */
import { createInterface } from 'node:readline';
import { NetlinkDataplane } from '../dataplane/netlink/netlink-dataplane.js';
import { probeFeatures } from '../dataplane/netlink/probe.js';
import { rawEncaps } from './raw-encaps.js';
import { errorToWire, toWire } from './wire-json.js';

const dp = new NetlinkDataplane();

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
      // JSON turns an omitted optional argument into null: give the method undefined back.
      return (fn as (...a: unknown[]) => unknown)(...args.map((a) => (a === null ? undefined : a)));
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
// A Ctrl-C in the terminal reaches the whole process group: leave quietly, the parent cleans up.
process.on('SIGINT', () => rl.close());
process.stdout.write(`${toWire({ ready: true })}\n`);

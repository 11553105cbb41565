/**
 * Captures golden kernel bytes: `npm run golden:capture` (root). Adds every case of cases.ts with
 * iproute2 in a throwaway namespace, dumps the raw lwtunnel encap bytes, writes seg6-golden.json.
 * Also used by the privileged test that re-captures and compares with the committed file.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePrefix } from '../../src/common/ip.js';
import { createNetns, deleteNetns, ipn, veth } from '../support/netns.js';
import { RemoteDataplane } from '../../src/lab/remote-dataplane.js';
import { GOLDEN_TABLE, NEXTHOP_CASES, ROUTE_CASES } from './cases.js';

export interface Golden {
  readonly kernel: string;
  /** Interface indexes in the capture namespace (End.DX2 carries an oif index). */
  readonly links: Record<string, number>;
  readonly routes: Record<string, { encapType: number; hex: string }>;
  readonly nexthops: Record<string, { encapType: number; hex: string }>;
}

export const GOLDEN_FILE = join(dirname(fileURLToPath(import.meta.url)), 'seg6-golden.json');

/** Prepares a namespace the way every golden case expects it: veth d0/d1, HMAC key 7. */
export function goldenNamespace(): string {
  const ns = createNetns('golden');
  veth(ns, 'd0', 'd1');
  ipn(ns, ['-6', 'addr', 'add', 'fc00::1/64', 'dev', 'd0', 'nodad']);
  ipn(ns, ['sr', 'hmac', 'set', '7', 'sha1'], 'sfc-golden-secret\n');
  return ns;
}

export async function captureGolden(): Promise<Golden> {
  const ns = goldenNamespace();
  const dp = await RemoteDataplane.start(ns);
  try {
    for (const c of ROUTE_CASES) {
      ipn(ns, ['-6', 'route', 'add', c.route.dst, ...c.ip.split(' '), 'table', String(GOLDEN_TABLE)]);
    }
    for (const c of NEXTHOP_CASES) ipn(ns, c.ip.split(' '));
    const raw = await dp.rawEncaps();
    const routes: Golden['routes'] = {};
    for (const c of ROUTE_CASES) {
      const p = parsePrefix(c.route.dst);
      const got = raw.routes[`${GOLDEN_TABLE}|${p.bytes.toString('hex')}/${p.length}`];
      if (!got) throw new Error(`golden: no route dumped for ${c.name}`);
      routes[c.name] = { encapType: got.type, hex: got.hex };
    }
    const nexthops: Golden['nexthops'] = {};
    for (const c of NEXTHOP_CASES) {
      const got = raw.nexthops[String(c.nexthop.id)];
      if (!got) throw new Error(`golden: no nexthop dumped for ${c.name}`);
      nexthops[c.name] = { encapType: got.type, hex: got.hex };
    }
    const { execFileSync } = await import('node:child_process');
    const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
    const links = Object.fromEntries((await dp.links()).map((l) => [l.name, l.index]));
    return { kernel, links, routes, nexthops };
  } finally {
    await dp.stop();
    deleteNetns(ns);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const golden = await captureGolden();
  writeFileSync(GOLDEN_FILE, `${JSON.stringify(golden, null, 2)}\n`);
  process.stderr.write(`wrote ${Object.keys(golden.routes).length} routes, ${Object.keys(golden.nexthops).length} nexthops to ${GOLDEN_FILE}\n`);
}

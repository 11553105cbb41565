/**
 * `chain-setup-<n>fn-<b>bg`: ApplyChain → Ready → first packet through a chain of n monitors,
 * with b background instances on the function hosts, in ms (median of BENCH_REPS).
 *
 * "Through" means through the chain: the server also holds 10.99.0.1, which only the measured
 * chain reaches (its match is 10.99.0.0/24, ingress edge1, egress edge3; see lab.bench.ts). client1 sends
 * it echo requests at 1000 pps from before the apply (lab-pinger.ts); the first reply's arrival
 * time minus the time taken right before ApplyChain is the figure.
 *
 * Background: b/10 chains of 10 monitors each (10.200.<k>.0/24, ingress edge2, egress edge3),
 * added between the b steps and left in place.
 */
import type { Emit } from './bench-main.js';
import { log } from './bench-main.js';
import type { LabSession } from '../../src/lab/sfclab/lab-session.js';
import { LivePing } from './lab-pinger.js';
import { CHAIN_ONLY_DST, CHAIN_ONLY_MATCH, deleteAndWait, fnNames, median, monitorChain, sleep } from './lab-support.js';

/** Ventre et al., OpenVIM/ClickOS chain of 5–10 VNFs: 0.32–0.39 s idle, 0.62 s with 100, 0.81–0.86 s with 200 background VMs. */
const OPENVIM_MS: Record<number, number> = { 0: 320, 100: 620, 200: 810 };
const openvimRef = (b: number, reps: number): string =>
  `published anchor: OpenVIM chain of 5-10 ClickOS VNFs with ${b} background VMs, ${OPENVIM_MS[b]! / 1000} s (Ventre et al.), not measured here; ours: median of ${reps}`;

export const SETUP_FUNCTIONS = [1, 5, 10] as const;
export const SETUP_BACKGROUND = [0, 100, 200] as const;
const BG_CHAIN_LEN = 10;

/** One measured apply; returns first packet through (ms) after logging apply → Ready. */
async function measureOnce(lab: LabSession, name: string, n: number): Promise<number> {
  const ping = new LivePing(lab.ns('client1'), CHAIN_ONLY_DST, 1000);
  try {
    await ping.warmUp();
    if (ping.replies > 0) throw new Error(`${CHAIN_ONLY_DST} answers before the chain exists: the measurement would not be through the chain`);
    const spec = monitorChain({ ingress: 'edge1', egress: 'edge3', destinations: [CHAIN_ONLY_MATCH], functions: fnNames(n) });
    const t0 = Date.now();
    const chain = await lab.apply({ name, spec });
    const ready = Date.now() - t0;
    const first = await Promise.race([ping.firstReply, sleep(10_000).then(() => undefined)]);
    if (first === undefined) throw new Error(`${name}: Ready after ${ready} ms but no reply through it within 10 s`);
    const through = first - t0;
    const hosts = [...new Set(chain.status.instances.map((i) => i.node))].join(',');
    const r = await ping.stop();
    const gone = await deleteAndWait(lab, chain);
    log(`  ${name}: Ready ${ready} ms, first packet through ${through.toFixed(1)} ms (on ${hosts}; ${r.beforeFirstReply} requests sent before it); deleted and gone in ${gone} ms`);
    return through;
  } finally {
    await ping.stop().catch(() => undefined);
  }
}

/** Adds background chains until `target` background instances exist; resolves when all are Ready. */
async function growBackground(lab: LabSession, have: number, target: number): Promise<void> {
  if (target <= have) return;
  const t0 = Date.now();
  const chains: Promise<unknown>[] = [];
  for (let k = have / BG_CHAIN_LEN; k < target / BG_CHAIN_LEN; k++) {
    const spec = monitorChain({ ingress: 'edge2', egress: 'edge3', destinations: [`10.200.${k}.0/24`], functions: fnNames(BG_CHAIN_LEN) });
    chains.push(lab.apply({ name: `bg-${k}`, spec }, 180_000));
  }
  await Promise.all(chains);
  const s = (Date.now() - t0) / 1000;
  const perNode = new Map<string, number>();
  for (const i of await lab.client.listInstances()) perNode.set(i.node, (perNode.get(i.node) ?? 0) + 1);
  const load = [...perNode].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true })).map(([node, k]) => `${node}:${k}`).join(' ');
  log(`background ${have} → ${target} instances (${chains.length} chains of ${BG_CHAIN_LEN}): all Ready in ${s.toFixed(1)} s, ${(((target - have) / s) | 0).toString()} instances/s [${load}]`);
}

export async function benchChainSetup(lab: LabSession, emit: Emit, reps: number): Promise<void> {
  let background = 0;
  for (const b of SETUP_BACKGROUND) {
    await growBackground(lab, background, b);
    background = b;
    for (const n of SETUP_FUNCTIONS) {
      const times: number[] = [];
      for (let rep = 0; rep < reps; rep++) times.push(await measureOnce(lab, `setup-${n}fn-${b}bg-${rep}`, n));
      emit(`chain-setup-${n}fn-${b}bg`, median(times), 'ms', openvimRef(b, reps), OPENVIM_MS[b]!);
    }
  }
}

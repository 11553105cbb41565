/**
 * The state-touch guarantee end to end (issue 6): in an sfclab lab (topology/demo.clab.yml under
 * another lab name) with real controller and agents, a chain of dynamically proxied functions
 * (eBPF, End.AD semantics) is switched FW→IDS, IDS→FW, IDS only and bypass while ping runs at
 * 1000 pps. Each switch changes only the ingress edge (plus the instances that go); function hosts
 * whose instances did not change perform 0 kernel operations, as their agents count them. Traffic
 * order is proven by the SIDs' counters; TCP crosses two functions (iperf3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Chain, ChainFunction, ChainSpec } from '../../src/model/chain.js';
import { iperf3 } from '../../src/lab/iperf3.js';
import { ping, startPing } from '../../src/lab/ping.js';
import type { LabSession } from '../../src/lab/sfclab/lab-session.js';
import { DEMO_ROLE_NODES, useDemoLab } from '../support/demo-lab.js';
import { tcpConnect } from '../../src/lab/tcp-connect.js';
import { ownedState } from '../support/owned-state.js';

const LAB = `t-dyn${process.pid % 10000}`;
const ROLE_NODES = DEMO_ROLE_NODES;
const SERVER = '10.2.0.2';
let lab: LabSession;

// The firewall drops telnet; the IDS is a monitor (counts). Each on its own host, both dynamic.
const FW: ChainFunction = { name: 'fw', type: 'firewall', proxy: 'dynamic', placement: { node: 'fn1' }, config: { rules: [{ action: 'drop', protocol: 'tcp', dstPorts: [{ start: 23, end: 23 }] }] } };
const IDS: ChainFunction = { name: 'ids', type: 'monitor', proxy: 'dynamic', placement: { node: 'fn2' } };
const spec = (functions: readonly ChainFunction[]): ChainSpec => ({
  ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24'] } },
  egress: { node: 'edge2' },
  functions,
});

const sidCount = (c: Chain, fn: string): number => {
  const i = c.status.instances.find((x) => x.function === fn)!;
  return lab.sidPackets(i.node, i.sids.dx4!);
};

/** The edge's IPv4 segment list for the chain, as the kernel holds it (one nexthop). */
const edgeList = (): string[] => {
  const out = ownedState(lab.ns('edge1'));
  const m = /encap seg6 mode encap segs \d+ \[ ([^\]]+) \]/.exec(out);
  return m ? m[1]!.trim().split(/\s+/) : [];
};

const session = useDemoLab(LAB);
beforeAll(() => {
  lab = session();
});

describe('dynamic SR proxy in the lab', () => {
  it('the function hosts report bpf-proxy; the chain gets dynamic proxies and the whole path at the ingress', async () => {
    const c = await lab.apply({ name: 'dyn', spec: spec([FW, IDS]) });
    expect(c.status.instances.map((i) => [i.function, i.proxy])).toEqual([
      ['fw', 'dynamic'],
      ['ids', 'dynamic'],
    ]);
    const path = [...c.status.instances.map((i) => i.sids.dx4!), lab.decapSid('edge2', 4)];
    expect(c.status.segments.ipv4).toEqual(path);
    expect(edgeList()).toEqual(path);
    // Function hosts hold no chain state: no continuation (an encapsulating route) there.
    for (const n of ['fn1', 'fn2']) expect(ownedState(lab.ns(n))).not.toMatch(/encap seg6 mode/);
    let before = { fw: sidCount(c, 'fw'), ids: sidCount(c, 'ids') };
    expect((await ping(lab.ns('client'), SERVER, { count: 20, rate: 100 })).lost).toBe(0);
    expect({ fw: sidCount(c, 'fw') - before.fw, ids: sidCount(c, 'ids') - before.ids }).toEqual({ fw: 20, ids: 20 });

    // Order, by the counters: telnet SYNs die in the firewall, so the IDS sees them only when first.
    before = { fw: sidCount(c, 'fw'), ids: sidCount(c, 'ids') };
    expect(await tcpConnect(lab.ns('client'), SERVER, 23, 1500)).toBe('timeout');
    expect(sidCount(c, 'fw') - before.fw, 'SYNs reach the firewall').toBeGreaterThan(0);
    expect(sidCount(c, 'ids') - before.ids, '[fw, ids]: the IDS sees none').toBe(0);
    const reordered = await lab.apply({ name: 'dyn', spec: spec([IDS, FW]) });
    before = { fw: sidCount(reordered, 'fw'), ids: sidCount(reordered, 'ids') };
    expect(await tcpConnect(lab.ns('client'), SERVER, 23, 1500)).toBe('timeout');
    const d = { fw: sidCount(reordered, 'fw') - before.fw, ids: sidCount(reordered, 'ids') - before.ids };
    expect(d.ids, '[ids, fw]: the IDS sees them first').toBeGreaterThan(0);
    expect(d.fw).toBe(d.ids);
  });

  it('FW→IDS, IDS→FW, IDS only, bypass at 1000 pps: 0 lost; hosts whose instances stay perform 0 operations', async () => {
    const chain = await lab.apply({ name: 'dyn', spec: spec([FW, IDS]) });
    const idsSid = chain.status.instances.find((i) => i.function === 'ids')!.sids.dx4!;
    const traffic = startPing(lab.ns('client'), SERVER, 1000);
    await new Promise((r) => setTimeout(r, 300));
    const deltas: Record<string, Record<string, number>> = {};
    const step = async (what: string, change: () => Promise<unknown>) => {
      const before = await lab.operationsByNode();
      await change();
      await new Promise((r) => setTimeout(r, 2500)); // two agent resyncs: they must not count either
      const after = await lab.operationsByNode();
      deltas[what] = Object.fromEntries(ROLE_NODES.map((n) => [n, after[n]! - before[n]!]));
    };

    await step('IDS→FW', () => lab.apply({ name: 'dyn', spec: spec([IDS, FW]) }));
    expect(edgeList()[0]).toBe(idsSid);
    await step('FW→IDS', () => lab.apply({ name: 'dyn', spec: spec([FW, IDS]) }));
    await step('IDS only', () => lab.apply({ name: 'dyn', spec: spec([IDS]) }));
    expect(edgeList()).toEqual([idsSid, lab.decapSid('edge2', 4)]);
    // Bypass: no chain; the lab's site routing carries the traffic (edge to edge, no function).
    await step('bypass', () => lab.delete('dyn'));
    const p = await traffic.stop();

    expect(p.transmitted).toBeGreaterThan(8000);
    expect(p.lost, JSON.stringify(deltas)).toBe(0);
    const zero = { transit: 0, edge2: 0 };
    expect(deltas['IDS→FW'], 'reorder').toMatchObject({ ...zero, fn1: 0, fn2: 0 });
    expect(deltas['FW→IDS'], 'reorder back').toMatchObject({ ...zero, fn1: 0, fn2: 0 });
    expect(deltas['IDS only'], 'fw removed: fn2 keeps ids').toMatchObject({ ...zero, fn2: 0 });
    expect(deltas['IDS only']!.fn1, 'fn1 deletes the fw instance').toBeGreaterThan(0);
    expect(deltas.bypass, 'ids removed; fn1 has nothing left').toMatchObject({ transit: 0, fn1: 0 });
    for (const what of Object.keys(deltas)) expect(deltas[what]!.edge1, `${what}: the ingress switches`).toBeGreaterThan(0);
  });

  it('carries TCP through two dynamically proxied functions (iperf3)', async () => {
    await lab.apply({ name: 'dyn', spec: spec([FW, IDS]) });
    const r = await iperf3({ server: { ns: lab.ns('server'), address: SERVER }, clientNs: lab.ns('client'), seconds: 3 });
    console.log(`lab, TCP through fw (fn1) and ids (fn2), dynamic proxies: ${r.gbps.toFixed(2)} Gbit/s, ${r.retransmits} retransmits`);
    expect(r.bytes).toBeGreaterThan(10 << 20);
    await lab.delete('dyn');
  });
});

/**
 * Programs the demo's SRv6 state through the dataplane library: stable SIDs first (functions,
 * decap), then the edge's chain, so that by the time the classifier route exists every SID of the
 * list is there (make before break, as the controller will do). Then reads it all back.
 */
import type { DataplaneOp } from '../../dataplane/dataplane.js';
import { type LineLab, type Log, applyAll } from '../line-lab.js';
import { type Chain, SIDS, chainNexthop, classifierRoute, formatChain, returnNexthop, returnRoute, segmentsOf, sidRoute } from './plan.js';

export async function programDemo(lab: LineLab, chain: Chain, log: Log): Promise<void> {
  log(`SIDs: ${SIDS.map((s) => `${s.node} ${s.sid} ${s.behavior.action}`).join(', ')} (all with count)`);
  const byNode = new Map<string, DataplaneOp[]>();
  for (const s of SIDS) byNode.set(s.node, [...(byNode.get(s.node) ?? []), { op: 'add', kind: 'route', object: sidRoute(s) }]);
  await Promise.all([...byNode].map(([node, ops]) => applyAll(lab.dataplane(node), node, ops)));
  await verifySids(lab);

  log(`return path: egress nexthop ${returnNexthop.id} → [${returnNexthop.encap!.segments.join(', ')}], route ${returnRoute.dst} nhid ${returnNexthop.id}`);
  await applyAll(lab.dataplane('egress'), 'egress', [
    { op: 'add', kind: 'nexthop', object: returnNexthop },
    { op: 'add', kind: 'route', object: returnRoute },
  ]);

  const nh = chainNexthop(chain);
  log(`chain at the edge: nexthop ${nh.id} [${segmentsOf(chain).join(', ')}] (${formatChain(chain)}), classifier ${classifierRoute.dst} nhid ${nh.id}`);
  await applyAll(lab.dataplane('edge'), 'edge', [
    { op: 'add', kind: 'nexthop', object: nh },
    { op: 'add', kind: 'route', object: classifierRoute },
  ]);
  await verifyChain(lab, chain);
}

/** Every SID answers a FIB lookup with its seg6local behaviour and counters. */
async function verifySids(lab: LineLab): Promise<void> {
  for (const s of SIDS) {
    const r = await lab.dataplane(s.node).getRoute(s.sid);
    if (r?.encap?.type !== 'seg6local' || r.encap.behavior.action !== s.behavior.action || !r.encap.counters) {
      throw new Error(`read-back: ${s.node} has no ${s.behavior.action} SID with counters at ${s.sid} (got ${JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))})`);
    }
  }
}

/** The edge's chain nexthop, as the kernel holds it, carries exactly the chain's segment list. */
export async function verifyChain(lab: LineLab, chain: Chain): Promise<void> {
  const want = segmentsOf(chain);
  const got = (await lab.dataplane('edge').listNexthops({ family: 4 })).find((n) => n.id === chainNexthop(chain).id);
  const segs = got?.encap?.segments ?? [];
  if (segs.length !== want.length || segs.some((s, i) => s !== want[i])) {
    throw new Error(`read-back: the edge's chain nexthop holds [${segs.join(', ')}], expected [${want.join(', ')}]`);
  }
}

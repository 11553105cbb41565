/**
 * `sfcctl diff`: what applying a chain would do, from the ChainPlan its dry run answers —
 * whether the chain would be created or changed, the segment lists the ingress would push, and
 * per node the instances and SIDs it would create (`+`), keep (` `) or delete (`-`), with the
 * kernel and runtime operations that node's agent counted in its own dry run. Pure.
 */
import type { DryRunNode, DryRunPlan, PlanAction } from '../../controller/grpc/codecs/chain-plan-codec.js';
import type { ApplyOutcome } from '../../controller/grpc/codecs/chain-responses-codec.js';
import { formatTable } from './table.js';

const MARK: Readonly<Record<PlanAction, string>> = { create: '+', keep: ' ', delete: '-' };

const WOULD: Readonly<Record<ApplyOutcome, string>> = { created: 'would be created', updated: 'would be configured', unchanged: 'unchanged' };

function operations(n: DryRunNode): string {
  const o = n.ops;
  if (o.created + o.replaced + o.deleted === 0) return `no kernel change (${o.unchanged} unchanged)`;
  return `${o.created} to create, ${o.replaced} to replace, ${o.deleted} to delete (${o.unchanged} unchanged)`;
}

function nodeLines(n: DryRunNode): string[] {
  const rows = [
    ...n.instances.map((i) => [
      MARK[i.action],
      'instance',
      i.function,
      i.id,
      [i.sids.dx4 && `dx4 ${i.sids.dx4}`, i.sids.dx6 && `dx6 ${i.sids.dx6}`, i.proxy && `${i.proxy} proxy`].filter(Boolean).join(', '),
    ]),
    ...n.sids.map((s) => [MARK[s.action], 'sid', s.function ?? '(egress decap)', s.sid, s.behavior]),
  ];
  return [`  node ${n.node}: ${operations(n)}`, ...formatTable([], rows, { indent: 4, gap: 2 })];
}

export function formatPlan(chain: string, outcome: ApplyOutcome, plan: DryRunPlan | undefined): string {
  const lines = [`chain/${chain}: ${WOULD[outcome]}`];
  if (!plan) lines.push('  (the controller answered without a plan)');
  else {
    const segs = (['ipv4', 'ipv6'] as const).filter((f) => (plan.segments[f] ?? []).length > 0);
    lines.push(...segs.map((f) => `  segments ${f === 'ipv4' ? 'IPv4' : 'IPv6'}: ${plan.segments[f]!.join(' → ')}`));
    lines.push(...plan.nodes.flatMap(nodeLines));
  }
  return `${lines.join('\n')}\n`;
}

/** Validation of dataplane ops before anything reaches the kernel: all violations, with paths. */
import { InvalidArgumentError, Violations } from '../common/errors.js';
import type { DataplaneOp } from './dataplane.js';
import { validateNexthop } from './seg6/nexthop.js';
import { validateRoute } from './seg6/route.js';
import { validateRule } from './seg6/rule.js';

export function validateOp(op: DataplaneOp, v: Violations, path: string): void {
  const verbs = op.kind === 'rule' ? ['add', 'delete'] : ['add', 'replace', 'delete'];
  if (!verbs.includes(op.op)) {
    v.add(`${path}.op`, `'${String(op.op)}' is not a ${op.kind} operation (${verbs.join(', ')})`);
    return;
  }
  switch (op.kind) {
    case 'route':
      validateRoute(op.object, v, `${path}.object`, op.op === 'delete');
      break;
    case 'nexthop':
      if (op.op === 'delete') {
        if (!(Number.isInteger(op.object.id) && op.object.id >= 1 && op.object.id <= 0xffffffff)) v.add(`${path}.object.id`, 'must be 1..4294967295');
      } else validateNexthop(op.object, v, `${path}.object`);
      break;
    case 'rule':
      validateRule(op.object, v, `${path}.object`);
      break;
    default:
      v.add(`${path}.kind`, `unknown kind '${String((op as { kind: unknown }).kind)}' (route, nexthop, rule)`);
  }
}

/** Throws InvalidArgumentError naming every bad field (`ops[3].object.encap.behavior.nh4`). */
export function checkOps(ops: readonly DataplaneOp[]): void {
  const v = new Violations();
  ops.forEach((op, i) => validateOp(op, v, ops.length === 1 ? op.kind : `ops[${i}]`));
  if (v.list.length > 0) throw new InvalidArgumentError(v.list, 'invalid dataplane operation');
}

export function describeOp(op: DataplaneOp): { operation: string; object: string } {
  const o = op.object as unknown as Record<string, unknown>;
  const object =
    op.kind === 'route' ? `route ${String(o.dst)} table ${String(o.table ?? 254)}` : op.kind === 'nexthop' ? `nexthop id ${String(o.id)}` : `rule pref ${String(o.priority)}`;
  return { operation: op.op, object };
}

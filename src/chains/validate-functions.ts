/**
 * `spec.functions`: the ordered list of network functions. Each function's type and config are
 * checked by the agent's own validator (validateFunctionSpec), so a document accepts exactly the
 * configs an agent will run; this module adds what only a chain knows (names, placement, sr).
 */
import { Violations } from '../common/errors.js';
import { FUNCTION_TYPES, type FunctionSpec } from '../agent/functions/function-spec.js';
import { validateFunctionSpec } from '../agent/functions/validate-function.js';
import type { ChainFunction, Placement, ProxyMode } from '../model/chain.js';
import { absent, compact, fail, isObject, readEnum, readFields, readList } from './checks.js';
import { fieldPath, itemPath } from './field-path.js';
import { expandFirewallPorts } from './firewall-ports.js';
import { readDnsLabel, readLabels, readNodeName } from './names.js';

export const FUNCTION_FIELDS = ['name', 'type', 'config', 'sr', 'proxy', 'placement'] as const;
export const SR_MODES = ['aware', 'unaware'] as const satisfies readonly NonNullable<ChainFunction['sr']>[];
/** A function's and the chain's `proxy` (validate-document.ts re-exports it with the spec's fields). */
export const PROXY_MODES = ['auto', 'static', 'dynamic'] as const satisfies readonly ProxyMode[];

function readPlacement(v: Violations, path: string, x: unknown): Placement | undefined {
  const p = readFields(v, path, x, ['node', 'nodeSelector']);
  if (!p) return undefined;
  if (!absent(p.node) && !absent(p.nodeSelector)) {
    return fail(v, path, 'give either node (pin to one node) or nodeSelector (any node with these labels), not both');
  }
  const node = absent(p.node) ? undefined : readNodeName(v, fieldPath(path, 'node'), p.node);
  let nodeSelector: Record<string, string> | undefined;
  if (!absent(p.nodeSelector)) {
    const selPath = fieldPath(path, 'nodeSelector');
    nodeSelector = readLabels(v, selPath, p.nodeSelector);
    if (nodeSelector && Object.keys(nodeSelector).length === 0) nodeSelector = fail(v, selPath, 'must not be empty: omit placement to let the controller choose any node');
  }
  return compact({ node, nodeSelector });
}

/** Type and config through the agent's validator, at this function's path. */
function readTypeAndConfig(v: Violations, path: string, f: Readonly<Record<string, unknown>>): Pick<ChainFunction, 'type' | 'config'> | undefined {
  const typePath = fieldPath(path, 'type');
  if (absent(f.type)) return fail(v, typePath, `is required (one of ${FUNCTION_TYPES.join(', ')})`);
  if (typeof f.type !== 'string') return fail(v, typePath, `must be a string, one of ${FUNCTION_TYPES.join(', ')}`);
  let config = absent(f.config) ? undefined : f.config;
  let reported: ReadonlySet<string> = new Set();
  if (f.type === 'firewall' && isObject(config)) ({ config, reported } = expandFirewallPorts(v, fieldPath(path, 'config'), config));
  const local = new Violations();
  validateFunctionSpec({ type: f.type, config } as FunctionSpec, local, path);
  for (const x of local.list) if (!reported.has(x.field)) v.add(x.field, x.description);
  if (local.list.length > 0) return undefined;
  return compact({ type: f.type as ChainFunction['type'], config: config as ChainFunction['config'] });
}

function readFunction(v: Violations, path: string, x: unknown): ChainFunction | undefined {
  const before = v.list.length;
  const f = readFields(v, path, x, FUNCTION_FIELDS);
  if (!f) return undefined;
  const name = readDnsLabel(v, fieldPath(path, 'name'), f.name);
  const typed = readTypeAndConfig(v, path, f);
  const sr = absent(f.sr) ? undefined : readEnum(v, fieldPath(path, 'sr'), f.sr, SR_MODES);
  const proxy = absent(f.proxy) ? undefined : readEnum(v, fieldPath(path, 'proxy'), f.proxy, PROXY_MODES);
  const placement = absent(f.placement) ? undefined : readPlacement(v, fieldPath(path, 'placement'), f.placement);
  if (v.list.length !== before) return undefined;
  return compact({ name: name!, type: typed!.type, config: typed!.config, sr, proxy, placement });
}

export function readFunctions(v: Violations, path: string, x: unknown): ChainFunction[] | undefined {
  // An empty chain is refused: a chain exists to steer traffic through functions, and a document
  // that lost its list (a bad merge, a wrong indentation) must not quietly become a plain tunnel.
  if (absent(x)) return fail(v, path, 'is required: list at least one function (a chain without functions steers traffic through nothing)');
  const list = readList(v, path, x);
  if (!list) return undefined;
  if (list.length === 0) return fail(v, path, 'must list at least one function (a chain without functions steers traffic through nothing)');
  const before = v.list.length;
  const seen = new Map<string, number>();
  const out: ChainFunction[] = [];
  list.forEach((item, i) => {
    const fPath = itemPath(path, i);
    const fn = readFunction(v, fPath, item);
    // Duplicate names are checked even when the rest of the function is wrong: one pass, every error.
    const name = isObject(item) && typeof item.name === 'string' ? item.name : undefined;
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) v.add(fieldPath(fPath, 'name'), `duplicate function name '${name}' (also ${itemPath(path, first)})`);
      else seen.set(name, i);
    }
    if (fn) out.push(fn);
  });
  return v.list.length === before ? out : undefined;
}

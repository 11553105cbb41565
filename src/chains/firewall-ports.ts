/**
 * The short port spellings (see port-ranges.ts) inside firewall rules, so `dstPorts: [80, 443]`
 * reads like `match.ports`. Documents expand them to the `{start, end}` objects the function model
 * and its validator (src/agent/functions/validate-function.ts) know; toYaml folds them back.
 * Only this module knows where ports sit in a firewall config.
 */
import { Violations } from '../common/errors.js';
import type { PortRange } from '../dataplane/seg6/rule.js';
import { isObject } from './checks.js';
import { fieldPath, itemPath } from './field-path.js';
import { formatPortRange, readPortRange } from './port-ranges.js';

const PORT_FIELDS = ['srcPorts', 'dstPorts'] as const;

type Config = Readonly<Record<string, unknown>>;

/** Applies `f` to every port list of every rule; everything else is returned as it is. */
function mapPortLists(config: Config, f: (ports: readonly unknown[], path: string) => unknown[], path: string): Config {
  if (!Array.isArray(config.rules)) return config;
  const rules = config.rules.map((rule: unknown, i: number) => {
    if (!isObject(rule)) return rule;
    const out: Record<string, unknown> = { ...rule };
    for (const field of PORT_FIELDS) {
      const ports = rule[field];
      if (Array.isArray(ports)) out[field] = f(ports, fieldPath(itemPath(fieldPath(path, 'rules'), i), field));
    }
    return out;
  });
  return { ...config, rules };
}

export interface ExpandedConfig {
  readonly config: Config;
  /** Paths of items already reported here, so the function validator's report on them is dropped. */
  readonly reported: ReadonlySet<string>;
}

/** Expands short port spellings in a firewall config at `path` (`spec.functions[0].config`). */
export function expandFirewallPorts(v: Violations, path: string, config: Config): ExpandedConfig {
  const reported = new Set<string>();
  const expanded = mapPortLists(
    config,
    (ports, listPath) =>
      ports.map((p, i) => {
        const itemP = itemPath(listPath, i);
        const local = new Violations();
        const range = readPortRange(local, itemP, p);
        if (range) return range;
        for (const x of local.list) v.add(x.field, x.description);
        reported.add(itemP);
        return p;
      }),
    path,
  );
  return { config: expanded, reported };
}

/** The short spellings again, for writing documents. */
export function compactFirewallPorts(config: Config): Config {
  return mapPortLists(config, (ports) => ports.map((p) => formatPortRange(p as PortRange)), '');
}

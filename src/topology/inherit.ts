/**
 * containerlab's inheritance, as its types/topology.go does it (checked against the source):
 *
 * - the node's kind: the node's `kind`, else its group's, else the group named in `defaults`,
 *   else `defaults.kind` (a `kinds` entry cannot set the kind: it is looked up by it);
 * - the node's group: the node's `group`, else its kind entry's, else `defaults.group`;
 * - maps (`labels`, `env`, `sysctls`) merge key by key, the most specific level winning:
 *   defaults < kinds[kind] < groups[group] < node;
 * - `exec` is NOT "most specific wins": containerlab concatenates the lists, defaults' commands
 *   first, then the kind's, the group's and the node's own (GetNodeExec);
 * - every other key (the ones sfclab ignores) comes from the most specific level that sets it.
 *
 * A group that `topology.groups` does not define contributes nothing (containerlab's group is a
 * free-form string); the caller warns about it.
 */
import type { NodeDefinition } from './node-definition.js';

export interface InheritanceLevels {
  readonly defaults: NodeDefinition;
  readonly kinds: ReadonlyMap<string, NodeDefinition>;
  readonly groups: ReadonlyMap<string, NodeDefinition>;
}

/** A node's settings after inheritance; each value keeps the path of the level it came from. */
export interface ResolvedDefinition extends Omit<NodeDefinition, 'path'> {
  /** The levels that applied, least specific first (defaults, kind entry, group entry, node). */
  readonly levels: readonly NodeDefinition[];
}

function mergeMaps<T>(maps: readonly ReadonlyMap<string, T>[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const m of maps) for (const [k, x] of m) out.set(k, x);
  return out;
}

export function resolveNodeDefinition(levels: InheritanceLevels, node: NodeDefinition): ResolvedDefinition {
  const { defaults, kinds, groups } = levels;
  const kind = node.kind ?? (node.group && groups.get(node.group.value)?.kind) ?? (defaults.group && groups.get(defaults.group.value)?.kind) ?? defaults.kind;
  const kindLevel = kind ? kinds.get(kind.value) : undefined;
  const group = node.group ?? kindLevel?.group ?? defaults.group;
  const groupLevel = group ? groups.get(group.value) : undefined;
  const applied = [defaults, kindLevel, groupLevel, node].filter((l): l is NodeDefinition => l !== undefined);
  return {
    ...(kind ? { kind } : {}),
    ...(group ? { group } : {}),
    labels: mergeMaps(applied.map((l) => l.labels)),
    env: mergeMaps(applied.map((l) => l.env)),
    sysctls: mergeMaps(applied.map((l) => l.sysctls)),
    exec: applied.flatMap((l) => l.exec),
    ignored: mergeMaps(applied.map((l) => l.ignored)),
    levels: applied,
  };
}

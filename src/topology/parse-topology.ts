/**
 * A containerlab topology file's text → the resolved, validated model sfclab deploys. Pure: the
 * loader (load-topology.ts) reads the file.
 *
 * Strict like containerlab: unknown keys are errors, every error is reported at once with its
 * field path and line:column. Standard containerlab keys sfclab cannot honour (image, ports,
 * mgmt, ...) are warnings, so the same file still deploys under containerlab.
 */
import { LineCounter, type Node, type YAMLError, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { absent, closest, describe, isObject } from '../chains/checks.js';
import { fieldPath, itemPath } from '../chains/field-path.js';
import { sourcePositions } from '../chains/source-positions.js';
import { Issues, placeIssues } from './issues.js';
import { readLinks } from './read-links.js';
import { readNodes } from './read-nodes.js';
import { CORE_INTERFACE_LABEL, type NodeKind, type TopologyIssue, type TopologyParse } from './types.js';

/**
 * YAML 1.2 core schema (`yes`/`no` stay strings), duplicate keys refused. Unlike chain documents,
 * merge keys (`<<: *anchor`) are accepted: containerlab's YAML decoder accepts them and topology
 * files use them to share node settings.
 */
const YAML_OPTIONS = { version: '1.2', schema: 'core', uniqueKeys: true, strict: true, merge: true, prettyErrors: false } as const;

/** Lab names end up in namespace names, `sfc-<lab>-<node>`. */
export const LAB_NAME = /^[A-Za-z0-9_-]{1,20}$/;

const TOP_KEYS: readonly string[] = ['name', 'topology', 'prefix', 'mgmt', 'settings', 'debug'];
const IGNORED_TOP_KEYS: Readonly<Record<string, string>> = {
  prefix: 'sfclab names its namespaces sfc-<lab>-<node>',
  mgmt: 'sfclab nodes have no management network',
  settings: 'sfclab does not honour containerlab settings',
  debug: 'sfclab does not honour it',
};
const TOPOLOGY_KEYS: readonly string[] = ['defaults', 'kinds', 'groups', 'nodes', 'links'];

/** Field path → source text of each plain scalar, so numbers read into string fields keep their spelling. */
function scalarSources(root: Node | null): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (node: unknown, path: string): void => {
    if (isAlias(node)) return;
    if (isScalar(node)) {
      if (typeof node.source === 'string') out.set(path, node.source);
    } else if (isMap(node)) {
      for (const pair of node.items) walk(pair.value, fieldPath(path, isScalar(pair.key) ? String(pair.key.value) : String(pair.key)));
    } else if (isSeq(node)) node.items.forEach((item, i) => walk(item, itemPath(path, i)));
  };
  walk(root, '');
  return out;
}

function yamlIssue(e: YAMLError, lines: LineCounter): TopologyIssue {
  const { line, col } = lines.linePos(e.pos[0]);
  return { path: '', message: `YAML: ${e.message}`, line, column: col };
}

/**
 * Every error at once, or the model with its warnings. Issues carry no file name: print them with
 * formatTopologyIssue(file, issue). (`_file` is accepted so callers can pass it alongside the text,
 * as they do for chain documents.)
 */
export function parseTopology(text: string, _file?: string): TopologyParse {
  const lines = new LineCounter();
  const doc = parseDocument(text, { ...YAML_OPTIONS, lineCounter: lines });
  const yamlErrors = [...doc.errors, ...doc.warnings].map((e) => yamlIssue(e, lines));
  if (yamlErrors.length > 0) return { ok: false, errors: yamlErrors };
  let value: unknown;
  try {
    // Anchors are fine; a document that expands them exponentially is refused.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return { ok: false, errors: [{ path: '', message: `YAML: ${(e as Error).message}` }] };
  }
  const positions = sourcePositions(doc.contents, lines);
  const sources = scalarSources(doc.contents);
  const scalarText = (path: string, x: unknown): string => sources.get(path) ?? String(x);

  const issues = new Issues();
  if (!isObject(value)) {
    issues.error('', `a topology file is a mapping with 'name' and 'topology' (got ${describe(value)})`);
    return { ok: false, errors: placeIssues(issues.errors, positions) };
  }
  for (const key of Object.keys(value)) {
    const reason = IGNORED_TOP_KEYS[key];
    if (reason !== undefined) issues.warn(key, `'${key}' is ignored: ${reason}`);
    else if (!TOP_KEYS.includes(key)) {
      const guess = closest(key, TOP_KEYS);
      issues.error(fieldPath('', key), `unknown key${guess ? `; did you mean '${guess}'?` : ` (one of ${TOP_KEYS.join(', ')})`}`);
    }
  }

  let name: string | undefined;
  if (absent(value.name)) issues.error('name', 'is required: the lab name');
  else {
    const n = typeof value.name === 'number' ? scalarText('name', value.name) : value.name;
    if (typeof n !== 'string' || !LAB_NAME.test(n)) {
      issues.error('name', `lab name must be 1-20 letters, digits, '-' or '_' (namespaces are named sfc-<lab>-<node>; got ${describe(value.name)})`);
    } else name = n;
  }

  const topology = value.topology;
  if (!isObject(topology)) {
    issues.error('topology', absent(topology) ? 'is required: nodes and links' : `must be a mapping with nodes and links (got ${describe(topology)})`);
    return { ok: false, errors: placeIssues(issues.errors, positions) };
  }
  for (const key of Object.keys(topology)) {
    if (TOPOLOGY_KEYS.includes(key)) continue;
    const guess = closest(key, TOPOLOGY_KEYS);
    issues.error(fieldPath('topology', key), `unknown key${guess ? `; did you mean '${guess}'?` : ` (one of ${TOPOLOGY_KEYS.join(', ')})`}`);
  }

  const read = readNodes(issues, topology, scalarText);
  const kinds = new Map<string, NodeKind>(read.map((r) => [r.node.name, r.node.kind]));
  const links = readLinks(issues, topology.links, kinds);

  // srv6-sfc/core-interface must name one of the node's own link ends.
  for (const r of read) {
    const core = r.node.labels[CORE_INTERFACE_LABEL];
    if (core === undefined) continue;
    const mine = links.flatMap((l) => [l.a, l.b]).filter((e) => e.node === r.node.name);
    if (!mine.some((e) => e.interface === core)) {
      const names = mine.map((e) => e.interface);
      issues.error(r.labelPaths.get(CORE_INTERFACE_LABEL)!, `node ${r.node.name} has no interface '${core}' (its interfaces: ${names.length > 0 ? names.join(', ') : 'none'})`);
    }
  }

  const errors = placeIssues(issues.errors, positions);
  if (errors.length > 0 || name === undefined) return { ok: false, errors };
  return { ok: true, topology: { name, nodes: read.map((r) => r.node), links, warnings: placeIssues(issues.warnings, positions), positions } };
}

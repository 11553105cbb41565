/** Helpers for topology tests: parse YAML text, get the model or the issues as plain data. */
import { expect } from 'vitest';
import { parseTopology } from '../../../src/topology/parse-topology.js';
import type { Topology, TopologyIssue } from '../../../src/topology/types.js';

/** The model of a file that must be valid. */
export function topo(text: string): Topology {
  const r = parseTopology(text, 'lab.clab.yml');
  if (!r.ok) expect.fail(`unexpected errors:\n${r.errors.map((e) => `${e.line}:${e.column} ${e.path}: ${e.message}`).join('\n')}`);
  return r.topology;
}

/** The errors of a file that must be invalid. */
export function errorsOf(text: string): TopologyIssue[] {
  const r = parseTopology(text, 'lab.clab.yml');
  if (r.ok) expect.fail('expected errors, the file parsed');
  return [...r.errors];
}

/** Paths of the errors, in file order. */
export const errorPaths = (text: string): string[] => errorsOf(text).map((e) => e.path);

/** [path, message] pairs, to match messages with expect.stringContaining. */
export const issuePairs = (list: readonly TopologyIssue[]): [string, string][] => list.map((e) => [e.path, e.message]);

/** A file with the given nodes section and links section (YAML, indented as under `topology:`). */
export function lab(nodes: string, links = ''): string {
  return `name: t\ntopology:\n  nodes:\n${indent(nodes, 4)}${links ? `  links:\n${indent(links, 4)}` : ''}`;
}

const indent = (s: string, n: number): string =>
  s
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => `${' '.repeat(n)}${l}\n`)
    .join('');

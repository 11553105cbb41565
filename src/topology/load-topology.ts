/**
 * The only I/O of src/topology: reads a topology file and parses it. A file that cannot be read
 * is an error like any other (the result says why), never an exception.
 */
import { readFileSync } from 'node:fs';
import { parseTopology } from './parse-topology.js';
import type { TopologyIssue, TopologyParse } from './types.js';

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
};

export function loadTopologyFile(path: string): TopologyParse {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { ok: false, errors: [{ path: '', message: `cannot read the topology file: ${(code && REASONS[code]) ?? (e as Error).message}` }] };
  }
  return parseTopology(text, path);
}

/**
 * One line per issue, as compilers print them so editors and terminals can jump to the spot:
 * `lab.clab.yml:12:9: topology.nodes.fn1.kind: kind 'srl' is not supported by sfclab (...)`.
 */
export function formatTopologyIssue(file: string, issue: TopologyIssue): string {
  let where = file;
  if (issue.line !== undefined) where += `:${issue.line}:${issue.column ?? 1}`;
  return [where, issue.path, issue.message].filter((p) => p !== '').join(': ');
}

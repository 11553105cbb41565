/** Reading a topology file, and the one-line error format. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatTopologyIssue, loadTopologyFile } from '../../../src/topology/load-topology.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sfc-topology-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadTopologyFile', () => {
  it('reads and parses a file', async () => {
    const file = join(dir, 'lab.clab.yml');
    await writeFile(file, 'name: lab\ntopology:\n  nodes: {n1: {kind: linux}}\n');
    const r = loadTopologyFile(file);
    expect(r.ok && r.topology.nodes.map((n) => n.name)).toEqual(['n1']);
  });

  it('says why a file cannot be read, as an error rather than an exception', () => {
    expect(loadTopologyFile(join(dir, 'missing.clab.yml'))).toEqual({ ok: false, errors: [{ path: '', message: 'cannot read the topology file: no such file or directory' }] });
    expect(loadTopologyFile(dir)).toEqual({ ok: false, errors: [{ path: '', message: 'cannot read the topology file: is a directory' }] });
  });
});

describe('formatTopologyIssue', () => {
  it('prints file:line:column: path: message, leaving out what is unknown', () => {
    expect(formatTopologyIssue('lab.clab.yml', { path: 'topology.nodes.a.kind', message: "kind 'srl' is not supported", line: 4, column: 9 })).toBe("lab.clab.yml:4:9: topology.nodes.a.kind: kind 'srl' is not supported");
    expect(formatTopologyIssue('lab.clab.yml', { path: '', message: 'cannot read the topology file: permission denied' })).toBe('lab.clab.yml: cannot read the topology file: permission denied');
    expect(formatTopologyIssue('<stdin>', { path: 'name', message: 'is required', line: 1 })).toBe('<stdin>:1:1: name: is required');
  });
});

/** Reading files and directories: order, extensions, recursion, errors across files, the examples. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatDocumentError } from '../../../src/chains/format-error.js';
import { loadChainFiles } from '../../../src/chains/load-chain-files.js';
import { validateAgainst } from '../../../src/chains/validate-against.js';

const doc = (name: string, destination = '10.2.0.0/24') => `apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata: {name: ${name}}
spec:
  ingress: {node: edge1, match: {destinations: [${destination}]}}
  egress: {node: edge2}
  functions: [{name: m, type: monitor}]
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sfc-chains-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const names = (r: { chains: readonly { name: string }[] }) => r.chains.map((c) => c.name);

describe('loadChainFiles', () => {
  it('reads *.yaml and *.yml of a directory in name order, not subdirectories, not hidden or other files', async () => {
    await writeFile(join(dir, 'b.yml'), doc('b'));
    await writeFile(join(dir, 'a.yaml'), `${doc('a1')}---\n${doc('a2')}`);
    await writeFile(join(dir, 'C.yaml'), doc('c'));
    await writeFile(join(dir, 'notes.txt'), 'not yaml');
    await writeFile(join(dir, '.hidden.yaml'), 'broken: [');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'd.yaml'), doc('d'));
    const r = await loadChainFiles([dir]);
    expect(r.errors).toEqual([]);
    // Code-unit order: upper case sorts before lower case on every machine.
    expect(names(r)).toEqual(['c', 'a1', 'a2', 'b']);
    expect(r.chains.map((c) => [c.source.file, c.source.document])).toEqual([
      [join(dir, 'C.yaml'), 1],
      [join(dir, 'a.yaml'), 1],
      [join(dir, 'a.yaml'), 2],
      [join(dir, 'b.yml'), 1],
    ]);
  });

  it('descends into subdirectories when recursive, still in name order', async () => {
    await writeFile(join(dir, 'z.yaml'), doc('z'));
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'd.yaml'), doc('d'));
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'x.yaml'), doc('git'));
    expect(names(await loadChainFiles([dir], { recursive: true }))).toEqual(['d', 'z']);
  });

  it('reads a file named explicitly whatever its extension, and each file once', async () => {
    await writeFile(join(dir, 'chain.txt'), doc('t'));
    await writeFile(join(dir, 'a.yaml'), doc('a'));
    const r = await loadChainFiles([join(dir, 'chain.txt'), dir, join(dir, 'a.yaml')]);
    expect(r.errors).toEqual([]);
    expect(names(r)).toEqual(['t', 'a']);
  });

  it('reports every problem of every file together, and returns no chain', async () => {
    await writeFile(join(dir, 'a.yaml'), doc('web'));
    await writeFile(join(dir, 'b.yaml'), `${doc('ok')}---\n${doc('web')}`);
    await writeFile(join(dir, 'c.yaml'), doc('Bad'));
    await writeFile(join(dir, 'd.yaml'), '# nothing here\n');
    const r = await loadChainFiles([dir, join(dir, 'missing.yaml')]);
    expect(r.chains).toEqual([]);
    expect(r.errors.map(formatDocumentError)).toEqual([
      `${join(dir, 'missing.yaml')}: cannot read: no such file or directory`,
      `${join(dir, 'b.yaml')}#2:11:12: metadata.name: duplicate chain name 'web' (also in ${join(dir, 'a.yaml')}#1)`,
      `${join(dir, 'c.yaml')}#1:3:12: metadata.name: 'Bad' must be a DNS label: 1..63 lowercase letters, digits and '-', starting and ending with a letter or digit`,
      `${join(dir, 'd.yaml')}: contains no chain document`,
    ]);
  });

  it('refuses a directory without chain files', async () => {
    await writeFile(join(dir, 'readme.md'), '#');
    const r = await loadChainFiles([dir]);
    expect(r.errors.map(formatDocumentError)).toEqual([`${dir}: no *.yaml or *.yml file in this directory`]);
  });
});

describe('the examples in chains/', () => {
  const lab = { nodes: new Set(['edge1', 'edge2', 'fn1', 'fn2']), existing: [] };

  it('every file parses without errors, and all of them apply together to the demo lab', async () => {
    const r = await loadChainFiles(['chains'], { recursive: true });
    expect(r.errors.map(formatDocumentError)).toEqual([]);
    expect(names(r)).toEqual(['demo', 'dns', 'ssh-admin', 'web']);
    expect(validateAgainst(r.chains, lab)).toEqual([]);
  });

  it('the demo chain is firewall → nat → monitor from edge1 to edge2 on fn1/fn2, IPv4 and IPv6', async () => {
    const { chains, errors } = await loadChainFiles(['chains/demo']);
    expect(errors).toEqual([]);
    const spec = chains[0]!.spec;
    expect([spec.ingress.node, spec.egress.node]).toEqual(['edge1', 'edge2']);
    expect(spec.ingress.match.destinations).toEqual(['10.2.0.0/24', '2001:db8:2::/64']);
    expect(spec.functions.map((f) => [f.type, f.placement?.node])).toEqual([
      ['firewall', 'fn1'],
      ['nat', 'fn1'],
      ['monitor', 'fn2'],
    ]);
  });

  it('multi.yaml holds two documents', async () => {
    const { chains } = await loadChainFiles(['chains/multi.yaml']);
    expect(chains.map((c) => [c.name, c.source.document])).toEqual([
      ['dns', 1],
      ['ssh-admin', 2],
    ]);
  });
});

/**
 * The ChainService's error model on the wire: each failure's code, ErrorInfo reason and
 * BadRequest field violations (proto paths), the chain rules shared with YAML documents, and
 * nothing reaching a client as UNKNOWN, whatever a collaborator throws.
 */
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseChainDocuments } from '../../../../src/chains/parse-documents.js';
import { AbortedError, FailedPreconditionError, ResourceExhaustedError } from '../../../../src/common/errors.js';
import type { Chain as ChainMsg } from '../../../../src/gen/srv6sfc/v1/Chain.js';
import type { CreateChainResponse__Output } from '../../../../src/gen/srv6sfc/v1/CreateChainResponse.js';
import type { UpdateChainResponse__Output } from '../../../../src/gen/srv6sfc/v1/UpdateChainResponse.js';
import { type Controller, OddError, expectRpcError, rpcError, seenFailures, startController, unary, webChain } from './server-support.js';

let c: Controller;
beforeEach(async () => {
  c = await startController();
});
afterEach(async () => {
  await c.close();
});

const create = (chainId: string, chain: ChainMsg = webChain(), validateOnly = false) =>
  unary<CreateChainResponse__Output>((o, cb) => c.chain.CreateChain({ chainId, chain, validateOnly }, o, cb));

/** One bad chain, as a YAML document and as the same chain over gRPC. */
const BAD_YAML = `
apiVersion: srv6-sfc/v1alpha1
kind: ServiceChain
metadata:
  name: web
  labels: {"bad key!": x}
spec:
  ingress:
    node: edge1
    match:
      destinations: [10.2.0.0/33, 2001:db8::/64]
      sources: [10.1.0.0/24]
      ports: [80]
  egress: {node: edge2}
  functions:
    - name: fw
      type: firewall
      config:
        rules: [{action: accept, srcPrefixes: [10.0.0.0/99], dscp: 64}]
    - name: fw
      type: nat
      config: {mode: snat, toAddress: not-an-address}
    - name: Mon
      type: responder
      config: {tcpPorts: [0]}
      placement: {nodeSelector: {"zone!": a}}
`;

const BAD_CHAIN: ChainMsg = {
  labels: { 'bad key!': 'x' },
  spec: {
    ingress: { node: 'nodes/edge1', match: { destinations: ['10.2.0.0/33', '2001:db8::/64'], sources: ['10.1.0.0/24'], ports: [{ start: 80, end: 80 }] } },
    egress: { node: 'nodes/edge2' },
    functions: [
      { name: 'fw', firewall: { rules: [{ action: 'VERDICT_ACCEPT', srcPrefixes: ['10.0.0.0/99'], dscp: 64 }] } },
      { name: 'fw', nat: { snat: { toAddress: 'not-an-address' } } },
      { name: 'Mon', responder: { tcpPorts: [0] }, placement: { nodeSelector: { 'zone!': 'a' } } },
    ],
  },
};

/** [path in the document, path on the wire]. */
const BAD_PATHS: [string, string][] = [
  ['metadata.labels["bad key!"]', 'chain.labels["bad key!"]'],
  ['spec.ingress.match.destinations[0]', 'chain.spec.ingress.match.destinations[0]'],
  ['spec.ingress.match.sources', 'chain.spec.ingress.match.sources'],
  ['spec.ingress.match.sources[0]', 'chain.spec.ingress.match.sources[0]'],
  ['spec.ingress.match.ports', 'chain.spec.ingress.match.ports'],
  ['spec.functions[0].config.rules[0].srcPrefixes[0]', 'chain.spec.functions[0].firewall.rules[0].src_prefixes[0]'],
  ['spec.functions[0].config.rules[0].dscp', 'chain.spec.functions[0].firewall.rules[0].dscp'],
  ['spec.functions[1].name', 'chain.spec.functions[1].name'],
  ['spec.functions[1].config.toAddress', 'chain.spec.functions[1].nat.snat.to_address'],
  ['spec.functions[2].name', 'chain.spec.functions[2].name'],
  ['spec.functions[2].config.tcpPorts[0]', 'chain.spec.functions[2].responder.tcp_ports[0]'],
  ['spec.functions[2].placement.nodeSelector["zone!"]', 'chain.spec.functions[2].placement.node_selector["zone!"]'],
];

describe('ChainService errors: the chain rules of YAML documents', () => {
  it('a chain a document would refuse is INVALID_ARGUMENT with every violation, each at its proto path, worded alike', async () => {
    const yaml = parseChainDocuments(BAD_YAML);
    const byDocPath = new Map(yaml.errors.map((e) => [e.field, e.description]));
    expect([...byDocPath.keys()].sort()).toEqual(BAD_PATHS.map(([doc]) => doc).sort());

    const e = await expectRpcError(create('web', BAD_CHAIN), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    const byWirePath = new Map(e.violations.map((v) => [v.field, v.description]));
    expect([...byWirePath.keys()].sort()).toEqual(BAD_PATHS.map(([, wire]) => wire).sort());
    for (const [doc, wire] of BAD_PATHS) expect(byWirePath.get(wire), wire).toBe(byDocPath.get(doc));
    // ApplyChain and a dry run answer the same, and nothing was stored or planned.
    const applied = await expectRpcError(
      unary((o, cb) => c.chain.ApplyChain({ chain: { ...BAD_CHAIN, name: 'chains/web' }, validateOnly: true }, o, cb)),
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
    );
    expect(applied.violations).toEqual(e.violations);
    expect(await c.store.read()).toMatchObject({ chains: {} });
    expect(c.planner.asked).toEqual([]);
  });

  it('shape problems (the codec) and meaning problems (the rules) come back together', async () => {
    const chain: ChainMsg = {
      spec: {
        ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24', 'fc00::/129'] } },
        egress: { node: 'nodes/edge2', decap: 7 as unknown as 'DECAP_MODE_DX' },
        functions: [{ name: 'fw' }, { name: 'fw', monitor: {}, proxy: 7 as unknown as 'PROXY_MODE_AUTO' }],
      },
    };
    const e = await expectRpcError(create('Web', chain), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations.map((v) => v.field)).toEqual([
      'chain_id',
      'chain.spec.ingress.node',
      'chain.spec.egress.decap',
      'chain.spec.functions[0]',
      'chain.spec.functions[1].proxy',
      'chain.spec.ingress.match.destinations[1]',
      'chain.spec.functions[1].name',
    ]);
    expect(e.violations.find((v) => v.field === 'chain.spec.ingress.node')!.description).toBe('must be nodes/{node}, got "edge1"');
    expect(e.violations.find((v) => v.field === 'chain.spec.functions[1].proxy')!.description).toBe(
      'unknown value 7 (one of PROXY_MODE_AUTO, PROXY_MODE_STATIC, PROXY_MODE_DYNAMIC)',
    );
  });

  it('an empty function list is a chain without functions (proto3 cannot say "absent" otherwise)', async () => {
    const e = await expectRpcError(create('web', webChain({ spec: { ...webChain().spec, functions: [] } })), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations).toEqual([
      { field: 'chain.spec.functions', description: 'is required: list at least one function (a chain without functions steers traffic through nothing)' },
    ]);
  });

  it('unknown nodes and classifier conflicts (the world checks) are INVALID_ARGUMENT at their proto paths', async () => {
    const unknown = webChain();
    unknown.spec!.egress = { node: 'nodes/edge9' };
    unknown.spec!.functions![1]!.placement = { node: 'nodes/hots1' };
    const e = await expectRpcError(create('web', unknown), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(e.violations.map((v) => v.field)).toEqual(['chain.spec.egress.node', 'chain.spec.functions[1].placement.node']);
    expect(e.violations[1]!.description).toBe("unknown node 'hots1'; did you mean 'host1'?");

    await create('web');
    const clash = await expectRpcError(create('other'), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(clash.violations.map((v) => v.field)).toEqual(['chain.spec.ingress.match.destinations[0]', 'chain.spec.ingress.match.destinations[1]']);
    expect(clash.violations[0]!.description).toMatch(/^classifier conflicts with chain 'web' at ingress node 'edge1'/);
  });

  it('update_mask paths that are not updatable are violations on update_mask.paths[i]', async () => {
    await create('web');
    const e = await expectRpcError(
      unary<UpdateChainResponse__Output>((o, cb) => c.chain.UpdateChain({ chain: { name: 'chains/web' }, updateMask: { paths: ['labels', 'spec.ingress.match', 'status'] } }, o, cb)),
      'INVALID_ARGUMENT',
      'INVALID_ARGUMENT',
    );
    expect(e.violations.map((v) => v.field)).toEqual(['update_mask.paths[1]']);
    const noName = await expectRpcError(unary((o, cb) => c.chain.UpdateChain({ chain: { labels: {} } }, o, cb)), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    // An empty mask is a full replace: the spec is required too.
    expect(noName.violations.map((v) => v.field)).toEqual(['chain.name', 'chain.spec']);
  });
});

describe('ChainService errors: codes and reasons', () => {
  it('NOT_FOUND CHAIN_NOT_FOUND, ALREADY_EXISTS CHAIN_ALREADY_EXISTS, ABORTED ETAG_MISMATCH, INVALID_ARGUMENT on names', async () => {
    await expectRpcError(unary((o, cb) => c.chain.GetChain({ name: 'chains/nope' }, o, cb)), 'NOT_FOUND', 'CHAIN_NOT_FOUND');
    await expectRpcError(unary((o, cb) => c.chain.DeleteChain({ name: 'chains/nope' }, o, cb)), 'NOT_FOUND', 'CHAIN_NOT_FOUND');
    const bad = await expectRpcError(unary((o, cb) => c.chain.GetChain({ name: 'web' }, o, cb)), 'INVALID_ARGUMENT', 'INVALID_ARGUMENT');
    expect(bad.violations).toEqual([{ field: 'name', description: `must be chains/{chain} with {chain} a DNS label (lowercase letters, digits, '-', 1..63), got "web"` }]);
    await create('web');
    await expectRpcError(create('web'), 'ALREADY_EXISTS', 'CHAIN_ALREADY_EXISTS');
    await expectRpcError(unary((o, cb) => c.chain.DeleteChain({ name: 'chains/web', etag: 'stale' }, o, cb)), 'ABORTED', 'ETAG_MISMATCH');
  });

  it('an update that keeps losing the race is ABORTED (CONFLICT) after a few attempts', async () => {
    await create('web');
    c.chains.update = async () => {
      throw new AbortedError('changed', 'ETAG_MISMATCH');
    };
    const e = await expectRpcError(
      unary((o, cb) => c.chain.UpdateChain({ chain: { name: 'chains/web', labels: {} }, updateMask: { paths: ['labels'] } }, o, cb)),
      'ABORTED',
      'CONFLICT',
    );
    expect(e.message).toMatch(/kept changing during the update \(5 attempts\)/);
  });

  it("planning's failures in a dry run reach the client with their code and reason", async () => {
    c.planner.failWith = new ResourceExhaustedError('no SID left in fc00:3::/48', 'SID_EXHAUSTED');
    const e = await expectRpcError(create('web', webChain(), true), 'RESOURCE_EXHAUSTED', 'SID_EXHAUSTED');
    expect(e.message).toBe('no SID left in fc00:3::/48');
    c.planner.failWith = new FailedPreconditionError('no node can host fw', 'NO_FEASIBLE_NODE');
    await expectRpcError(create('web', webChain(), true), 'FAILED_PRECONDITION', 'NO_FEASIBLE_NODE');
  });

  it('whatever else a collaborator throws is INTERNAL with a generic message, never UNKNOWN', async () => {
    const thrown: unknown[] = [new Error('EACCES /var/lib/srv6-sfc/state.json'), 'a string', Object.assign(new Error('ENOENT'), { code: 2 }), new OddError('ODD_REASON', 'odd')];
    for (const failWith of thrown) {
      c.planner.failWith = failWith;
      const e = await rpcError(create('web', webChain(), true));
      expect(e.codeName).toBe('INTERNAL');
      expect(e.message).toMatch(/^internal error \(error id [0-9a-f]{8}\)$/);
    }
    // A deliberate error of no known category keeps its reason for clients to switch on.
    expect(seenFailures.at(-1)!.reason).toBe('ODD_REASON');
  });
});

afterAll(() => {
  // Every failure seen in this file was a mapped status with our ErrorInfo (checked per call).
  expect(seenFailures.length).toBeGreaterThan(15);
  expect(seenFailures.filter((e) => e.codeName === 'UNKNOWN')).toEqual([]);
});

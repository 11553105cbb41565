/** Domain field paths of the chain rules → the proto paths a BadRequest names. */
import { describe, expect, it } from 'vitest';
import { chainProtoPath } from '../../../../src/controller/grpc/chain-paths.js';
import type { ChainSpec } from '../../../../src/model/chain.js';

const spec: ChainSpec = {
  ingress: { node: 'edge1', match: { destinations: ['10.0.0.0/8'] } },
  egress: { node: 'edge2' },
  functions: [
    { name: 'fw', type: 'firewall' },
    { name: 'nat', type: 'nat', config: { mode: 'snat', toAddress: 'x' } },
    { name: 'rsp', type: 'responder' },
  ],
};

describe('chainProtoPath', () => {
  it.each([
    ['spec.ingress.match.destinations[0]', 'chain.spec.ingress.match.destinations[0]'],
    ['spec.functions[0].placement.nodeSelector', 'chain.spec.functions[0].placement.node_selector'],
    ['spec.functions[0].placement.nodeSelector["srv6-sfc/role"]', 'chain.spec.functions[0].placement.node_selector["srv6-sfc/role"]'],
    ['spec.functions[0].config.rules[2].dstPorts[1]', 'chain.spec.functions[0].firewall.rules[2].dst_ports[1]'],
    ['spec.functions[0].config.defaultAction', 'chain.spec.functions[0].firewall.default_action'],
    ['spec.functions[1].config.toAddress', 'chain.spec.functions[1].nat.snat.to_address'],
    ['spec.functions[1].config.mode', 'chain.spec.functions[1].nat'],
    ['spec.functions[1].config', 'chain.spec.functions[1].nat'],
    ['spec.functions[2].config.tcpPorts[0]', 'chain.spec.functions[2].responder.tcp_ports[0]'],
    // A function the spec does not have (cannot happen): the path is converted as it is.
    ['spec.functions[7].config.tcpPorts', 'chain.spec.functions[7].config.tcp_ports'],
    ['labels.App', 'chain.labels.App'],
    ['labels["a b"]', 'chain.labels["a b"]'],
    ['', 'chain'],
    ['spec.??', 'chain.spec.??'],
  ])('%s → %s', (domain, wire) => {
    expect(chainProtoPath(domain, spec)).toBe(wire);
  });
});

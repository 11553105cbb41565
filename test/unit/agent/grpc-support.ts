/**
 * Shared by the agent gRPC tests: a fake AgentCore, a real server on 127.0.0.1:0 with a real
 * client, promisified calls, and an intent that uses every item kind, behaviour and function.
 */
import * as grpc from '@grpc/grpc-js';
import type { AgentCore, ApplyOptions, NodeInfo } from '../../../src/agent/agent-core.js';
import { AgentService } from '../../../src/agent/grpc/agent-service.js';
import type { NodeIntent } from '../../../src/agent/intent/node-intent.js';
import type { AgentEvent, ApplyResult, ObservedState } from '../../../src/agent/reconcile/types.js';
import { loadProtos } from '../../../src/common/grpc/load-proto.js';
import type { FeatureReport, Support } from '../../../src/dataplane/netlink/probe.js';
import { ACTION_NUMBER, type Seg6LocalAction } from '../../../src/dataplane/seg6/seg6local.js';
import type { AgentServiceClient } from '../../../src/gen/srv6sfc/agent/v1/AgentService.js';

// Expected failures log at error level; keep test output readable unless asked.
process.env.SFC_LOG_LEVEL ??= 'silent';

const ok: Support = { ok: true };

export const FEATURES: FeatureReport = {
  seg6: ok,
  seg6local: {
    ...(Object.fromEntries((Object.keys(ACTION_NUMBER) as Seg6LocalAction[]).map((a) => [a, ok])) as Record<Seg6LocalAction, Support>),
    'End.DT6 (vrf)': { ok: false, reason: 'EOPNOTSUPP' },
    'End.DT46': { ok: false, reason: 'EOPNOTSUPP' },
  },
  counters: ok,
  flavorPsp: ok,
  flavorNextCsid: { ok: false, reason: 'EINVAL' },
  nexthopObjects: ok,
  vrf: { ok: false, reason: 'no VRF support in this kernel (EOPNOTSUPP)' },
  lwtBpf: ok,
  bpfProxy: ok,
  tunnelSource: ok,
};

export const NODE: NodeInfo = {
  name: 'edge1',
  address: '127.0.0.1:7001',
  locator: 'fc00:1::/48',
  interfaces: [
    { name: 'lo', index: 1 },
    { name: 'e0', index: 2 },
  ],
  features: FEATURES,
  runtimes: ['netns'],
  operations: { created: 12, replaced: 3, deleted: 2, unchanged: 40 },
};

/** Every item kind, every seg6local behaviour, every function type, optional fields set and unset. */
export const FULL_INTENT: NodeIntent = {
  generation: 42,
  tunnelSource: 'fc00:1::1',
  edge: { customerInterfaces: ['c0', 'c1'], mssClamp: 1400, sidSpace: ['fc00::/16'] },
  edgeChains: [
    {
      chain: 'web',
      id: 1,
      dev: 'e0',
      segments: ['fc00:2::e1', 'fc00:3::d4'],
      segmentsIpv6: ['fc00:2::e6', 'fc00:3::d6'],
      classifiers: [
        { dst: '10.2.0.0/24' },
        { dst: '2001:db8::/64', src: '2001:db8:1::/64', protocol: 6, srcPorts: { start: 1024, end: 65535 }, dstPorts: { start: 443, end: 443 }, iif: 'c0' },
      ],
    },
    { chain: 'red', id: 8_388_607, dev: 'e1', segments: ['fc00:2::e2'], mode: 'encap.red', classifiers: [{ dst: '10.3.0.0/24' }] },
    { chain: 'plain', id: 3, dev: 'e1', segments: ['fc00:2::e3'], mode: 'encap', classifiers: [] },
    { chain: 'web', direction: 'return', id: 4, dev: 'e0', segments: ['fc00:2::r4'], segmentsIpv6: ['fc00:2::r6'], classifiers: [{ dst: '192.0.2.1' }, { dst: '2001:db8::1' }] },
    { chain: 'fwd', direction: 'forward', id: 5, dev: 'e0', segments: ['fc00:2::e5'], classifiers: [{ dst: '10.5.0.0/24' }] },
  ],
  localSids: [
    { sid: 'fc00:1::1', dev: 'e0', behavior: { action: 'End' } },
    { sid: 'fc00:1::2', dev: 'e0', behavior: { action: 'End', flavors: { operations: ['psp'] } } },
    { sid: 'fc00:1::3', dev: 'e0', behavior: { action: 'End.X', nh6: 'fe80::1', flavors: { operations: ['next-csid'], lblen: 32, nflen: 16 } } },
    { sid: 'fc00:1::4', dev: 'e0', behavior: { action: 'End.T', table: 100 } },
    { sid: 'fc00:1::5', dev: 'e0', behavior: { action: 'End.DX2', oif: 'c0' } },
    { sid: 'fc00:1::6', dev: 'e0', behavior: { action: 'End.DX6', nh6: '::' } },
    { sid: 'fc00:1::7', dev: 'e0', behavior: { action: 'End.DX4', nh4: '0.0.0.0' } },
    { sid: 'fc00:1::8', dev: 'e0', behavior: { action: 'End.DT6', table: 254 } },
    { sid: 'fc00:1::9', dev: 'e0', behavior: { action: 'End.DT6', vrfTable: 10 } },
    { sid: 'fc00:1::a', dev: 'e0', behavior: { action: 'End.DT4', vrfTable: 11 } },
    { sid: 'fc00:1::b', dev: 'e0', behavior: { action: 'End.DT46', vrfTable: 12 } },
    { sid: 'fc00:1::c', dev: 'e0', behavior: { action: 'End.B6', segments: ['fc00:5::1', 'fc00:6::1'], tag: 7, hmacKeyId: 3 } },
    { sid: 'fc00:1::d', dev: 'e0', behavior: { action: 'End.B6.Encaps', segments: ['fc00:5::2'] } },
    { sid: 'fc00:1::e', dev: 'e0', behavior: { action: 'End.BPF', program: { fd: 0, name: 'sfc-proxy' } } },
  ],
  instances: [
    {
      id: 'fw-1',
      slot: 0,
      legs: 2,
      sids: { dx4: 'fc00:1::f4', dx6: 'fc00:1::f6' },
      function: {
        type: 'firewall',
        config: {
          defaultAction: 'drop',
          rules: [
            {
              action: 'accept',
              protocol: 'tcp',
              srcPrefixes: ['10.0.0.0/8', '2001:db8::/32'],
              dstPrefixes: ['10.2.0.0/24'],
              srcPorts: [{ start: 1024, end: 65535 }],
              dstPorts: [
                { start: 80, end: 80 },
                { start: 443, end: 443 },
              ],
              dscp: 0,
            },
            { action: 'drop', protocol: 'icmpv6' },
            { action: 'accept', dscp: 46 },
          ],
        },
      },
    },
    { id: 'fw-2', slot: 1, legs: 1, sids: {}, function: { type: 'firewall' } },
    { id: 'nat-1', slot: 2, legs: 2, sids: { dx4: 'fc00:1::24' }, function: { type: 'nat', config: { mode: 'masquerade' } } },
    { id: 'nat-2', slot: 3, legs: 2, sids: { dx6: 'fc00:1::36' }, returnSids: { dx4: 'fc00:1::34' }, function: { type: 'nat', config: { mode: 'snat', toAddress: '192.0.2.1' } } },
    { id: 'mon-1', slot: 4, legs: 1, sids: {}, function: { type: 'monitor' } },
    { id: 'resp-1', slot: 5, legs: 1, sids: {}, function: { type: 'responder', config: { tcpPorts: [80, 8080] } } },
    { id: 'resp-2', slot: 16383, legs: 1, sids: {}, function: { type: 'responder' } },
  ],
  proxies: [
    { instance: 'fw-1', chain: 'web', continuation: ['fc00:3::d4'], dev: 'e0', families: [4] },
    { instance: 'nat-1', chain: 'red', continuation: ['fc00:4::e', 'fc00:3::d4'], continuationIpv6: ['fc00:4::e6', 'fc00:3::d6'], dev: 'e1' },
    { instance: 'nat-2', chain: 'web', continuation: ['fc00:3::d6'], dev: 'e0', reverse: { ipv4: ['fc00:5::d4'] } },
  ],
};

/** A programmable AgentCore that records what it was asked. */
export class FakeCore implements AgentCore {
  readonly applied: { intent: NodeIntent; options: ApplyOptions }[] = [];
  readonly listeners = new Set<(e: AgentEvent) => void>();
  applyImpl: (intent: NodeIntent, options: ApplyOptions) => Promise<ApplyResult> = async (intent) => ({
    generation: intent.generation,
    items: [],
    ops: { created: 0, replaced: 0, deleted: 0, unchanged: 0 },
  });
  observedImpl: () => Promise<ObservedState> = async () => ({ generation: 0, routes: [], nexthops: [], rules: [], instances: [], tunnelSource: '::' });
  nodeImpl: () => Promise<NodeInfo> = async () => NODE;

  apply(intent: NodeIntent, options: ApplyOptions): Promise<ApplyResult> {
    this.applied.push({ intent, options });
    return this.applyImpl(intent, options);
  }
  observed(): Promise<ObservedState> {
    return this.observedImpl();
  }
  node(): Promise<NodeInfo> {
    return this.nodeImpl();
  }
  onEvent(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(e: AgentEvent): void {
    for (const l of this.listeners) l(e);
  }
}

export interface Served {
  readonly client: AgentServiceClient;
  readonly service: AgentService;
  readonly server: grpc.Server;
  close(): Promise<void>;
}

/** The AgentService on a real server (127.0.0.1, a free port) with a real client. */
export async function serveAgent(core: AgentCore): Promise<Served> {
  const server = new grpc.Server();
  const service = new AgentService(core);
  service.addToServer(server);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  const Client = loadProtos().srv6sfc.agent.v1.AgentService;
  const client = new Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return {
    client,
    service,
    server,
    close: async () => {
      client.close();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    },
  };
}

/** A unary call as a promise, with a deadline so a hang fails as DEADLINE_EXCEEDED instead of timing the test out. */
export function unary<Res>(start: (opts: grpc.CallOptions, cb: grpc.requestCallback<Res>) => unknown, deadlineMs = 5000): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    start({ deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res as Res)));
  });
}

/** Resolves with the rejection of `p` (fails if it resolves). */
export async function failure(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

/** Chains, nodes and instances as the controller would report them, and sfcctl run in-process. */
import { runCli } from '../../../src/cli/cli.js';
import type { CliContext } from '../../../src/cli/context.js';
import type { ChainInstance } from '../../../src/controller/grpc/codecs/instance-codec.js';
import type { FeatureReport, Support } from '../../../src/dataplane/netlink/probe.js';
import { ACTION_NUMBER, type Seg6LocalAction } from '../../../src/dataplane/seg6/seg6local.js';
import type { Chain, Condition } from '../../../src/model/chain.js';
import type { NodeRecord } from '../../../src/model/node.js';

/** The tests' "now": ages are computed from it. */
export const NOW = new Date('2025-01-02T03:10:00.000Z');

const T0 = '2025-01-02T03:04:05.000Z';

export const condition = (type: Condition['type'], status: Condition['status'], reason: string, at = T0, message = '', observedGeneration = 1): Condition => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: at,
  observedGeneration,
});

/** A dual-stack chain edge1 → fw@fn1 → mon@fn2 → edge2, reconciled and Ready. */
export function readyChain(name = 'web', labels: Record<string, string> = { app: name }): Chain {
  return {
    name,
    labels,
    spec: {
      ingress: { node: 'edge1', match: { destinations: ['10.2.0.0/24', '2001:db8:2::/64'], protocol: 'tcp', ports: [{ start: 80, end: 80 }, { start: 8000, end: 8080 }] } },
      egress: { node: 'edge2' },
      functions: [
        { name: 'fw', type: 'firewall', config: { defaultAction: 'drop' }, placement: { node: 'fn1' } },
        { name: 'mon', type: 'monitor', sr: 'aware', placement: { nodeSelector: { 'srv6-sfc/role': 'vnf-host' } } },
      ],
    },
    generation: 1,
    etag: '"1-abc"',
    createTime: T0,
    updateTime: T0,
    status: {
      observedGeneration: 1,
      conditions: [
        condition('Placed', 'True', 'Placed', '2025-01-02T03:04:06.000Z', 'every function has a node'),
        condition('InstancesReady', 'True', 'InstancesRunning', '2025-01-02T03:04:07.000Z'),
        condition('Programmed', 'True', 'Programmed', '2025-01-02T03:04:08.000Z'),
        condition('Ready', 'True', 'Ready', '2025-01-02T03:04:09.000Z'),
      ],
      segments: { ipv4: ['fc00:3::d4', 'fc00:4::e', 'fc00:2::d46'], ipv6: ['fc00:3::d6', 'fc00:4::e', 'fc00:2::d46'] },
      instances: [
        { function: 'fw', node: 'fn1', id: `${name}-fw-0`, sids: { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' }, packets: 12345678901234567890n, proxy: 'dynamic' },
        { function: 'mon', node: 'fn2', id: `${name}-mon-0`, sids: {}, packets: 0n },
      ],
    },
  };
}

/** A chain the controller is still working on: instances not ready yet. */
export function pendingChain(name = 'web'): Chain {
  const c = readyChain(name);
  return {
    ...c,
    status: {
      ...c.status,
      conditions: [
        condition('Placed', 'True', 'Placed'),
        condition('InstancesReady', 'False', 'SpawnFailed', '2025-01-02T03:05:00.000Z', 'fw: runtime netns failed'),
        condition('Programmed', 'Unknown', 'WaitingForInstances', '2025-01-02T03:05:00.000Z'),
        condition('Ready', 'False', 'InstancesNotReady', '2025-01-02T03:05:01.000Z'),
      ],
      segments: {},
      instances: [],
    },
  };
}

const ok = { ok: true } as const;

export const FEATURES: FeatureReport = {
  seg6: ok,
  seg6local: {
    ...(Object.fromEntries((Object.keys(ACTION_NUMBER) as Seg6LocalAction[]).map((a) => [a, ok])) as Record<Seg6LocalAction, Support>),
    'End.DT6 (vrf)': { ok: false, reason: 'EOPNOTSUPP' },
  },
  counters: ok,
  flavorPsp: ok,
  flavorNextCsid: { ok: false, reason: 'EINVAL' },
  nexthopObjects: ok,
  vrf: { ok: false, reason: 'no VRF support' },
  lwtBpf: ok,
  bpfProxy: ok,
  tunnelSource: ok,
};

export const node = (name: string, role: string, locator: string, extra: Partial<NodeRecord> = {}): NodeRecord => ({
  name,
  address: `unix:/run/srv6-sfc/${name}.sock`,
  locator,
  labels: { 'srv6-sfc/role': role },
  features: FEATURES,
  runtimes: ['netns'],
  interfaces: ['lo', 'eth0'],
  state: 'READY',
  lastHeartbeat: '2025-01-02T03:09:55.000Z',
  ...extra,
});

export const NODES: NodeRecord[] = [
  node('edge1', 'edge', 'fc00:1::/48'),
  node('edge2', 'edge', 'fc00:2::/48'),
  node('fn1', 'vnf-host', 'fc00:3::/48', { capacity: 8 }),
  node('fn2', 'vnf-host', 'fc00:4::/48', { state: 'UNREACHABLE', lastHeartbeat: '2025-01-02T02:00:00.000Z' }),
];

export const INSTANCES: ChainInstance[] = [
  { chain: 'web', function: 'fw', node: 'fn1', id: 'web-fw-0', sids: { dx4: 'fc00:3::d4', dx6: 'fc00:3::d6' }, state: 'running', counters: { packets: 42n, bytes: 4200n, errors: 0n } },
  { chain: 'web', function: 'mon', node: 'fn2', id: 'web-mon-0', sids: {}, state: 'exited', reason: 'killed' },
  { chain: 'dns', function: 'mon', node: 'fn2', id: 'dns-mon-0', sids: { dx6: 'fc00:4::d6' }, state: 'pending' },
];

export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

export interface RunOptions {
  readonly env?: Record<string, string>;
  readonly stdin?: string;
  readonly signal?: AbortSignal;
  /** Called with stdout so far after every write (watch tests react to lines). */
  readonly onOut?: (out: string) => void;
  readonly now?: () => Date;
}

/** sfcctl in-process, with captured output, a fixed clock and a short poll interval. */
export async function sfcctl(args: readonly string[], opts: RunOptions = {}): Promise<Run> {
  let out = '';
  let err = '';
  const ctx: CliContext = {
    out: {
      write: (s: string) => {
        out += s;
        opts.onOut?.(out);
      },
    },
    err: { write: (s: string) => (err += s) },
    env: opts.env ?? {},
    now: opts.now ?? (() => NOW),
    readStdin: async () => opts.stdin ?? '',
    signal: opts.signal ?? new AbortController().signal,
    pollIntervalMs: 5,
  };
  const code = await runCli(args, ctx);
  return { code, out, err };
}

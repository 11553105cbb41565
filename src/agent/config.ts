/**
 * `sfc-agent` command line (pure): flags → AgentConfig, or every problem at once naming the flag.
 */
import { InvalidArgumentError, Violations } from '../common/errors.js';
import { AddressParseError, parsePrefix } from '../common/ip.js';
import { DEFAULT_SPAWN_CONCURRENCY, MAX_SPAWN_CONCURRENCY } from './reconcile/bounded.js';

export interface AgentConfig {
  readonly name: string;
  /** `host:port` the gRPC server binds. */
  readonly listen: string;
  /** `host:port` the controller dials (default: listen). */
  readonly advertise: string;
  readonly locator: string;
  /** Controller NodeService address; absent = standalone (driven directly over gRPC). */
  readonly controller?: string;
  readonly stateDir: string;
  /** Period of the drift-correcting resync, ms (0 = off). */
  readonly resyncMs: number;
  /** Warm pool of instance namespaces (0 = cold spawns only). */
  readonly poolSize: number;
  /** Instance operations (spawn, respawn, reconfigure, destroy) of one apply running at once. */
  readonly spawnConcurrency: number;
  /** Node labels sent at registration (placement selects by them). */
  readonly labels: Readonly<Record<string, string>>;
  /** The device facing the SRv6 core. */
  readonly coreInterface?: string;
  /** Function instances this node may host. */
  readonly capacity?: number;
  /** Between heartbeats to the controller, ms (its --liveness must be longer). */
  readonly heartbeatMs: number;
  /**
   * Names what the agent makes outside its own network namespace, which all agents of the machine
   * share: instance namespaces `sfc-<scope>.<id>`, warm-pool namespaces, BPF pins under
   * `sfc/<scope>/`. Default: the node name. Labs set it to `<lab>-<node>` so that two labs with
   * nodes of the same name do not take each other's instances and maps.
   */
  readonly scope: string;
}

export const AgentConfig = Symbol.for('srv6-sfc.AgentConfig');

export const AGENT_USAGE = `Usage: sfc-agent --name NODE --locator PREFIX [options]
       sfc-agent teardown --name NODE [--scope NAME] [--state-dir DIR]

Runs the srv6-sfc node agent in this network namespace: a gRPC server (AgentService) that
converges this node's kernel and function instances on the intent the controller sends.

Options:
  --name NODE           node name, unique in the domain (letters, digits, '-', '_')
  --locator PREFIX      this node's SRv6 locator, e.g. fc00:2::/48 (every SID must be inside)
  --listen ADDR         gRPC listen address, HOST:PORT or unix:PATH (default [::]:50151)
  --advertise ADDR      address the controller dials (default: --listen)
  --controller ADDR     register with this controller and heartbeat (default: standalone)
  --state-dir DIR       last intent and instance records (default /run/srv6-sfc/NODE)
  --resync SECONDS      drift-correcting resync period, 0 = off (default 10)
  --pool N              warm pool of instance namespaces (default 0)
  --spawn-concurrency N instances spawned (respawned, reconfigured, destroyed) at once by one
                        apply, 1..${MAX_SPAWN_CONCURRENCY} (default ${DEFAULT_SPAWN_CONCURRENCY}; 1 = one after another)
  --core-interface DEV  the device facing the SRv6 core (the controller needs it for edges and hosts)
  --label KEY=VALUE     a node label sent at registration (repeatable)
  --capacity N          function instances this node may host (default unbounded)
  --heartbeat SECONDS   between heartbeats to the controller (default 10; keep it below the
                        controller's --liveness)
  --scope NAME          names the machine-wide objects: instance namespaces sfc-NAME.<id> and
                        BPF pins sfc/NAME/ (default: --name; unique per machine)
  -h, --help            this text

'teardown' removes everything the agent of NODE made: instances, owned routes, nexthops and
rules (protocol 200), the edge table, the dynamic proxy's tc filters and BPF pins, and its state
directory.
Stopping the agent (SIGTERM, SIGINT) leaves the dataplane in place: traffic keeps flowing, and
a restarted agent adopts it.`;

const HOSTPORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export type AgentCommand = { readonly kind: 'run'; readonly config: AgentConfig } | { readonly kind: 'teardown'; readonly config: AgentConfig } | { readonly kind: 'help' };

export function parseAgentArgs(argv: readonly string[]): AgentCommand {
  const v = new Violations();
  const args = [...argv];
  let kind: 'run' | 'teardown' = 'run';
  if (args[0] === 'teardown') {
    kind = 'teardown';
    args.shift();
  }
  const flags = new Map<string, string>();
  const known = ['--name', '--locator', '--listen', '--advertise', '--controller', '--state-dir', '--resync', '--pool', '--spawn-concurrency', '--core-interface', '--label', '--capacity', '--heartbeat', '--scope'];
  const labels: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-h' || a === '--help') return { kind: 'help' };
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (!known.includes(flag)) {
      v.add(flag, `unknown ${flag.startsWith('-') ? 'option' : 'argument'} (see --help)`);
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith('--')) v.add(flag, 'needs a value');
    else if (flag === '--label') {
      const m = /^([A-Za-z0-9][A-Za-z0-9_./-]{0,252})=([A-Za-z0-9_.-]{0,63})$/.exec(value);
      if (m) labels[m[1]!] = m[2]!;
      else v.add(flag, `'${value}' is not KEY=VALUE`);
    } else flags.set(flag, value);
  }
  const name = flags.get('--name') ?? '';
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(name)) v.add('--name', name ? `'${name}' is not a node name (letters, digits, '-', '_')` : 'is required');
  const scope = flags.get('--scope') ?? name;
  if (flags.has('--scope') && !/^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/.test(scope)) v.add('--scope', `'${scope}' is not a name (letters, digits, '-', '_')`);
  const locator = flags.get('--locator') ?? '';
  if (kind === 'run') {
    try {
      const p = parsePrefix(locator);
      if (p.family !== 6 || p.length > 120) v.add('--locator', `'${locator}' must be an IPv6 prefix of length 120 at most`);
    } catch (e) {
      v.add('--locator', locator ? (e instanceof AddressParseError ? e.message : 'is not a prefix') : 'is required');
    }
  }
  const listen = flags.get('--listen') ?? '[::]:50151';
  for (const f of ['--listen', '--advertise', '--controller'] as const) {
    const x = f === '--listen' ? listen : flags.get(f);
    if (x === undefined) continue;
    if (x.startsWith('unix:') && x.length > 5) continue; // a unix socket reaches across network namespaces
    const m = HOSTPORT.exec(x);
    if (!m || Number(m[2]) > 65535) v.add(f, `'${x}' is not HOST:PORT or unix:PATH`);
  }
  const num = (f: string, dflt: number, max: number): number => {
    const x = flags.get(f);
    if (x === undefined) return dflt;
    if (!/^\d+$/.test(x) || Number(x) > max) v.add(f, `must be a whole number 0..${max}`);
    return Number(x);
  };
  const resyncMs = num('--resync', 10, 86_400) * 1000;
  const poolSize = num('--pool', 0, 1000);
  const spawnConcurrency = num('--spawn-concurrency', DEFAULT_SPAWN_CONCURRENCY, MAX_SPAWN_CONCURRENCY);
  if (spawnConcurrency === 0) v.add('--spawn-concurrency', 'must be at least 1');
  const heartbeatMs = num('--heartbeat', 10, 3600) * 1000;
  if (heartbeatMs === 0) v.add('--heartbeat', 'must be at least 1 second');
  const capacity = flags.has('--capacity') ? num('--capacity', 0, 100_000) : undefined;
  const coreInterface = flags.get('--core-interface');
  if (coreInterface !== undefined && !/^[^\s/]{1,15}$/.test(coreInterface)) v.add('--core-interface', `'${coreInterface}' is not an interface name`);
  if (v.list.length > 0) throw new InvalidArgumentError(v.list, 'sfc-agent');
  const controller = flags.get('--controller');
  return {
    kind,
    config: {
      name,
      listen,
      advertise: flags.get('--advertise') ?? listen,
      locator,
      ...(controller ? { controller } : {}),
      stateDir: flags.get('--state-dir') ?? `/run/srv6-sfc/${name}`,
      resyncMs,
      heartbeatMs,
      scope,
      poolSize,
      spawnConcurrency,
      labels,
      ...(coreInterface !== undefined ? { coreInterface } : {}),
      ...(capacity !== undefined ? { capacity } : {}),
    },
  };
}

/** `sfc-controller` command line (pure): flags → ControllerConfig, or every problem at once by flag. */
import { InvalidArgumentError, Violations } from '../common/errors.js';

export interface ControllerConfig {
  /** `HOST:PORT` or `unix:PATH` of the northbound gRPC server. */
  readonly listen: string;
  readonly stateDir: string;
  /** A node silent for longer turns UNREACHABLE, ms. */
  readonly livenessMs: number;
  /** Full re-plan and re-push period, ms (0 = off). */
  readonly resyncMs: number;
  /** A containerlab topology file whose links give placement its hop distances. */
  readonly topologyFile?: string;
}

export const CONTROLLER_USAGE = `Usage: sfc-controller [options]

Runs the srv6-sfc controller: the northbound gRPC API (ChainService, NodeService, InstanceService,
health), the store, planning and the reconcile loop that drives every node's agent.

Options:
  --listen ADDR        gRPC listen address, HOST:PORT or unix:PATH (default [::]:50051)
  --state-dir DIR      the store: chains, nodes, allocations, intents (default /var/lib/srv6-sfc)
  --liveness SECONDS   a node silent this long is UNREACHABLE (default 30)
  --resync SECONDS     full re-plan and re-push period, 0 = off (default 30)
  --topology FILE      a containerlab topology (*.clab.yml): placement prefers functions on
                       nodes close to the chain's path, by hop count over its links
  -h, --help           this text`;

const ADDRESS = /^(unix:.+|(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5})$/;

export type ControllerCommand = { readonly kind: 'run'; readonly config: ControllerConfig } | { readonly kind: 'help' };

export function parseControllerArgs(argv: readonly string[]): ControllerCommand {
  const v = new Violations();
  const flags = new Map<string, string>();
  const known = ['--listen', '--state-dir', '--liveness', '--resync', '--topology'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') return { kind: 'help' };
    const eq = a.indexOf('=');
    const flag = eq === -1 ? a : a.slice(0, eq);
    if (!known.includes(flag)) {
      v.add(flag, `unknown ${flag.startsWith('-') ? 'option' : 'argument'} (see --help)`);
      continue;
    }
    const value = eq === -1 ? argv[++i] : a.slice(eq + 1);
    if (value === undefined || value.startsWith('--')) v.add(flag, 'needs a value');
    else flags.set(flag, value);
  }
  const listen = flags.get('--listen') ?? '[::]:50051';
  if (!ADDRESS.test(listen)) v.add('--listen', `'${listen}' is not HOST:PORT or unix:PATH`);
  const seconds = (f: string, dflt: number, min: number): number => {
    const x = flags.get(f);
    if (x === undefined) return dflt * 1000;
    if (!/^\d+$/.test(x) || Number(x) < min || Number(x) > 86_400) v.add(f, `must be a whole number of seconds ${min}..86400`);
    return Number(x) * 1000;
  };
  const livenessMs = seconds('--liveness', 30, 1);
  const resyncMs = seconds('--resync', 30, 0);
  const topologyFile = flags.get('--topology');
  if (topologyFile === '') v.add('--topology', 'needs a file name');
  if (v.list.length > 0) throw new InvalidArgumentError(v.list, 'sfc-controller');
  return { kind: 'run', config: { listen, stateDir: flags.get('--state-dir') ?? '/var/lib/srv6-sfc', livenessMs, resyncMs, ...(topologyFile ? { topologyFile } : {}) } };
}

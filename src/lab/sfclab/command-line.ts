/**
 * sfclab's command line (pure): argv → a command, or every problem at once naming the flag.
 * Flags follow containerlab's where they exist (`-t/--topo`, `--cmd`, `--reconfigure`, `-f/--format`).
 */
import { existsSync, readdirSync } from 'node:fs';

export type LabCommand =
  | { readonly kind: 'help'; readonly topic?: string }
  | { readonly kind: 'deploy'; readonly topo: string; readonly reconfigure: boolean }
  | { readonly kind: 'destroy'; readonly topo: string }
  | { readonly kind: 'inspect'; readonly topo: string; readonly format: 'table' | 'json' }
  | { readonly kind: 'exec'; readonly topo: string; readonly nodes: readonly string[]; readonly cmd: string }
  | { readonly kind: 'graph'; readonly topo: string; readonly format: 'html' | 'svg' | 'dot'; readonly out?: string };

export type ParsedCommand = { readonly ok: true; readonly command: LabCommand } | { readonly ok: false; readonly problems: readonly string[] };

export const USAGE = `sfclab: containerlab-compatible SRv6 labs in network namespaces

Usage: sfclab <command> -t FILE [flags]

Commands:
  deploy     create the lab: namespaces, links, underlay, exec commands, controller and agents
  destroy    stop everything the lab runs and remove what it created (also after a crash)
  inspect    nodes, roles, locators, addresses, agent states and customer sites
  exec       run a command in nodes:  sfclab exec -t FILE --node fn1 --cmd 'ip -6 route'
  graph      draw the topology and each chain's path (HTML by default)

Flags:
  -t, --topo FILE        topology file (default: the only *.clab.yml in the current directory)
  --reconfigure          deploy: destroy a running copy of the lab first
  --node NAME            exec: a node to run in (repeatable; default: every node with a namespace)
  --cmd 'COMMAND'        exec: the command, run through sh
  -f, --format FORMAT    inspect: table | json;  graph: html | svg | dot
  -o, --out FILE         graph: where to write (default: <lab>.graph.<format> in the current directory)
  -h, --help             this help

The controller of a deployed lab listens on unix:/run/srv6-sfc/labs/<lab>/controller.sock;
sfclab inspect prints the line to export for sfcctl. See docs/sfclab.md.`;

const VALUE_FLAGS = new Set(['-t', '--topo', '--node', '--cmd', '-f', '--format', '-o', '--out']);
const BOOL_FLAGS = new Set(['--reconfigure', '-h', '--help']);
const COMMANDS = ['deploy', 'destroy', 'inspect', 'exec', 'graph'] as const;

/** The only `*.clab.yml`/`*.clab.yaml` in dir, like containerlab's default. */
export function defaultTopology(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const files = readdirSync(dir).filter((f) => /\.clab\.ya?ml$/.test(f));
  return files.length === 1 ? files[0] : undefined;
}

export function parseLabArgs(argv: readonly string[], cwdTopology: () => string | undefined = () => defaultTopology(process.cwd())): ParsedCommand {
  const problems: string[] = [];
  const values = new Map<string, string[]>();
  const bools = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i]!;
    const eq = raw.startsWith('-') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    if (VALUE_FLAGS.has(flag)) {
      const v = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (v === undefined || (eq < 0 && v.startsWith('-') && v.length > 1 && flag !== '--cmd')) {
        problems.push(`${flag}: needs a value`);
        continue;
      }
      const key = { '-t': '--topo', '-f': '--format', '-o': '--out' }[flag] ?? flag;
      values.set(key, [...(values.get(key) ?? []), v]);
    } else if (BOOL_FLAGS.has(flag)) bools.add(flag === '-h' ? '--help' : flag);
    else if (raw.startsWith('-')) problems.push(`${flag}: unknown flag (see sfclab --help)`);
    else positional.push(raw);
  }
  const [cmd, ...extra] = positional;
  if (bools.has('--help') || cmd === 'help' || cmd === undefined) return { ok: true, command: { kind: 'help', ...(extra[0] ? { topic: extra[0] } : {}) } };
  if (!(COMMANDS as readonly string[]).includes(cmd)) return { ok: false, problems: [`unknown command '${cmd}' (commands: ${COMMANDS.join(', ')})`, ...problems] };
  if (extra.length > 0) problems.push(`unexpected argument '${extra[0]}'`);
  const one = (flag: string): string | undefined => {
    const v = values.get(flag);
    if (v && v.length > 1) problems.push(`${flag}: given ${v.length} times`);
    return v?.[0];
  };
  const allowed: Record<string, readonly string[]> = {
    deploy: ['--topo', '--reconfigure'],
    destroy: ['--topo'],
    inspect: ['--topo', '--format'],
    exec: ['--topo', '--node', '--cmd'],
    graph: ['--topo', '--format', '--out'],
  };
  for (const f of [...values.keys(), ...bools]) if (!allowed[cmd]!.includes(f)) problems.push(`${f}: not a flag of ${cmd}`);
  const topo = one('--topo') ?? cwdTopology();
  if (topo === undefined) problems.push('--topo: is required (no single *.clab.yml in the current directory)');
  const format = one('--format');
  let command: LabCommand | undefined;
  switch (cmd) {
    case 'deploy':
      command = { kind: 'deploy', topo: topo ?? '', reconfigure: bools.has('--reconfigure') };
      break;
    case 'destroy':
      command = { kind: 'destroy', topo: topo ?? '' };
      break;
    case 'inspect':
      if (format !== undefined && format !== 'table' && format !== 'json') problems.push(`--format: '${format}' is not table or json`);
      command = { kind: 'inspect', topo: topo ?? '', format: format === 'json' ? 'json' : 'table' };
      break;
    case 'exec': {
      const c = one('--cmd');
      if (c === undefined || c.trim() === '') problems.push('--cmd: is required');
      command = { kind: 'exec', topo: topo ?? '', nodes: values.get('--node') ?? [], cmd: c ?? '' };
      break;
    }
    case 'graph': {
      if (format !== undefined && !['html', 'svg', 'dot'].includes(format)) problems.push(`--format: '${format}' is not html, svg or dot`);
      const out = one('--out');
      command = { kind: 'graph', topo: topo ?? '', format: (format ?? 'html') as 'html' | 'svg' | 'dot', ...(out ? { out } : {}) };
      break;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, command: command! };
}
